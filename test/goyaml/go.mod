// YAML reading harness for test/go-yaml.test.ts: the two Go readers our output meets.
// It builds offline against the Debian packages golang-gopkg-yaml.v2-dev,
// golang-gopkg-yaml.v3-dev and golang-k8s-sigs-yaml-dev (no go.sum: every module is
// replaced by a local directory; test/helpers/go.ts sets the environment).
module paodin-fleet/goyaml

go 1.19

require (
	gopkg.in/yaml.v2 v2.4.0
	gopkg.in/yaml.v3 v3.0.1
	sigs.k8s.io/yaml v1.3.0
)

replace (
	gopkg.in/yaml.v2 => /usr/share/gocode/src/gopkg.in/yaml.v2
	gopkg.in/yaml.v3 => /usr/share/gocode/src/gopkg.in/yaml.v3
	sigs.k8s.io/yaml => /usr/share/gocode/src/sigs.k8s.io/yaml
)
