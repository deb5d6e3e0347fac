// Network parsing harness for test/exposure.test.ts: Go's net.ParseCIDR, how Kubernetes
// components read loadBalancerSourceRanges and NetworkPolicy ipBlocks. Standard library only.
module paodin-fleet/gocidr

go 1.19
