// Reads a JSON array of {pattern, inputs} on stdin; writes, for each, whether regexp.Compile
// accepts the pattern (with its error) and whether each input matches it.
package main

import (
	"encoding/json"
	"os"
	"regexp"
)

type query struct {
	Pattern string   `json:"pattern"`
	Inputs  []string `json:"inputs"`
}

type answer struct {
	Error   string `json:"error"`
	Matches []bool `json:"matches"`
}

func main() {
	var in []query
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	out := make([]answer, len(in))
	for i, q := range in {
		re, err := regexp.Compile(q.Pattern)
		if err != nil {
			out[i].Error = err.Error()
			continue
		}
		out[i].Matches = make([]bool, len(q.Inputs))
		for j, s := range q.Inputs {
			out[i].Matches[j] = re.MatchString(s)
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
