// CoreDNS with only the plugins testenv's cluster DNS uses, so the build skips the cloud providers' SDKs that the
// full plugin set pulls in (route53, azure, clouddns, ...). tools/build-binaries.sh builds it from the Go module
// proxy (COREDNS_VERSION in tools/versions.env) into the cache; this file is its whole main package.
package main

import (
	"github.com/coredns/coredns/coremain"

	// The server blocks testenv writes (packages/testenv/src/components/coredns.ts) use these, and nothing else.
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() { coremain.Run() }
