// Server-side apply harness for test/ssa.test.ts. It builds offline against the Debian
// packages of structured-merge-diff and its dependencies (no go.sum: every module is
// replaced by a local directory). github.com/modern-go/concurrent ships without a go.mod;
// test/helpers/ssa.ts supplies one through `go build -overlay`.
module paodin-fleet/ssa

go 1.19

require sigs.k8s.io/structured-merge-diff/v4 v4.1.2

require (
	github.com/json-iterator/go v1.1.12 // indirect
	github.com/modern-go/concurrent v1.0.3 // indirect
	github.com/modern-go/reflect2 v1.0.2 // indirect
	gopkg.in/yaml.v2 v2.4.0 // indirect
)

replace (
	github.com/json-iterator/go => /usr/share/gocode/src/github.com/json-iterator/go
	github.com/modern-go/concurrent => /usr/share/gocode/src/github.com/modern-go/concurrent
	github.com/modern-go/reflect2 => /usr/share/gocode/src/github.com/modern-go/reflect2
	gopkg.in/yaml.v2 => /usr/share/gocode/src/gopkg.in/yaml.v2
	sigs.k8s.io/structured-merge-diff/v4 => /usr/share/gocode/src/sigs.k8s.io/structured-merge-diff
)
