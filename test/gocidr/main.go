// Reads a JSON array of strings on stdin; writes a JSON array of booleans: whether
// net.ParseCIDR accepts each one.
package main

import (
	"encoding/json"
	"net"
	"os"
)

func main() {
	var in []string
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	out := make([]bool, len(in))
	for i, s := range in {
		_, _, err := net.ParseCIDR(s)
		out[i] = err == nil
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
