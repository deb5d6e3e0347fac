// Regular expression harness for test/crd-patterns.test.ts: Go's regexp, how the API server
// compiles a CRD schema's `pattern` and matches values against it. Standard library only.
module paodin-fleet/goregexp

go 1.19
