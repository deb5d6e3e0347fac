// Reads a JSON array of YAML texts on stdin and prints, for each, a JSON object with what
// the two Go readers our overlays meet make of it:
//
//	v2: sigs.k8s.io/yaml.YAMLToJSON over gopkg.in/yaml.v2 (kubectl, Argo CD)
//	v3: gopkg.in/yaml.v3 Unmarshal into interface{}, then encoding/json (kustomize's kyaml)
//
// each as {"json": <the value>} or {"error": "<text>"}. A text holding more than one
// document is an error (Unmarshal alone would silently read only the first), and so, for v3,
// is any value JSON has no direct form for (a non-string key, a timestamp): the test wants
// exactly the data it wrote back.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	yamlv2 "gopkg.in/yaml.v2"
	yamlv3 "gopkg.in/yaml.v3"
	sigsyaml "sigs.k8s.io/yaml"
)

type reading struct {
	JSON  json.RawMessage `json:"json,omitempty"`
	Error string          `json:"error,omitempty"`
}

type result struct {
	V2 reading `json:"v2"`
	V3 reading `json:"v3"`
}

func main() {
	var docs []string
	if err := json.NewDecoder(os.Stdin).Decode(&docs); err != nil {
		fmt.Fprintln(os.Stderr, "reading stdin:", err)
		os.Exit(2)
	}
	results := make([]result, len(docs))
	for i, doc := range docs {
		results[i] = result{V2: readV2([]byte(doc)), V3: readV3([]byte(doc))}
	}
	out, err := json.Marshal(results)
	if err != nil {
		fmt.Fprintln(os.Stderr, "writing results:", err)
		os.Exit(2)
	}
	os.Stdout.Write(out)
}

func failed(err error) reading {
	return reading{Error: err.Error()}
}

// Go readers panic on some inputs rather than return an error: report those as errors too.
func guard(r *reading) {
	if p := recover(); p != nil {
		*r = reading{Error: fmt.Sprintf("panic: %v", p)}
	}
}

func readV2(doc []byte) (r reading) {
	defer guard(&r)
	d := yamlv2.NewDecoder(bytes.NewReader(doc))
	var first, second interface{}
	if err := d.Decode(&first); err != nil && !errors.Is(err, io.EOF) {
		return failed(err)
	}
	if err := d.Decode(&second); !errors.Is(err, io.EOF) {
		return failed(fmt.Errorf("more than one document (%v)", err))
	}
	j, err := sigsyaml.YAMLToJSON(doc)
	if err != nil {
		return failed(err)
	}
	return reading{JSON: j}
}

func readV3(doc []byte) (r reading) {
	defer guard(&r)
	d := yamlv3.NewDecoder(bytes.NewReader(doc))
	var v, second interface{}
	if err := d.Decode(&v); err != nil && !errors.Is(err, io.EOF) {
		return failed(err)
	}
	if err := d.Decode(&second); !errors.Is(err, io.EOF) {
		return failed(fmt.Errorf("more than one document (%v)", err))
	}
	if err := plain(v); err != nil {
		return failed(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		return failed(err)
	}
	return reading{JSON: j}
}

// plain refuses what encoding/json would turn into something other than what was read.
func plain(v interface{}) error {
	switch t := v.(type) {
	case nil, bool, string, int, int64, uint64, float64:
		return nil
	case []interface{}:
		for _, e := range t {
			if err := plain(e); err != nil {
				return err
			}
		}
		return nil
	case map[string]interface{}:
		for _, e := range t {
			if err := plain(e); err != nil {
				return err
			}
		}
		return nil
	case map[interface{}]interface{}:
		for k := range t {
			if _, ok := k.(string); !ok {
				return fmt.Errorf("non-string key %#v (%T)", k, k)
			}
		}
		return fmt.Errorf("mapping with non-string keys")
	case time.Time:
		return fmt.Errorf("timestamp %s", t.Format(time.RFC3339Nano))
	default:
		return fmt.Errorf("unexpected %T %#v", v, v)
	}
}
