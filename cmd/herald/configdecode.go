package main

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// decodeConfig decodes a YAML configuration into out, a pointer to a
// struct. Every problem is reported with its key's full path and line
// ("line 3: http.listn: unknown key; http takes cors_origins, listen,
// max_lag"), all of them at once: yaml.v3 names the Go type instead
// ("field listn not found in type main.HTTPConfig").
func decodeConfig(raw []byte, out any) error {
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return err // a syntax error: yaml names its line
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil // an empty file: all defaults
	}
	var errs []error
	checkNode(root.Content[0], reflect.TypeOf(out).Elem(), "", &errs)
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return root.Content[0].Decode(out)
}

var (
	durationType    = reflect.TypeFor[time.Duration]()
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
)

// checkNode checks that node can be decoded into a value of type t, where
// path names it.
func checkNode(node *yaml.Node, t reflect.Type, path string, errs *[]error) {
	fail := func(format string, args ...any) {
		where := path
		if where == "" {
			where = "the configuration"
		}
		*errs = append(*errs, fmt.Errorf("line %d: %s: %s", node.Line, where, fmt.Sprintf(format, args...)))
	}
	if node.Kind == yaml.AliasNode {
		node = node.Alias
	}
	if node.Tag == "!!null" {
		return // leaves the default
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		if err := node.Decode(reflect.New(t).Interface()); err != nil {
			fail("%v", err)
		}
		return
	}
	switch {
	case t.Kind() == reflect.Struct && t != durationType:
		if node.Kind != yaml.MappingNode {
			fail("want a mapping of %s", strings.Join(keysOf(t), ", "))
			return
		}
		for i := 0; i+1 < len(node.Content); i += 2 {
			key, value := node.Content[i], node.Content[i+1]
			field, ok := fieldByKey(t, key.Value)
			child := joinPath(path, key.Value)
			if !ok {
				*errs = append(*errs, fmt.Errorf("line %d: %s: unknown key; %s takes %s", key.Line, child, nameOf(path), strings.Join(keysOf(t), ", ")))
				continue
			}
			checkNode(value, field.Type, child, errs)
		}
	case t.Kind() == reflect.Slice:
		if node.Kind != yaml.SequenceNode {
			fail("want a list (- item, or [a, b])")
			return
		}
		for i, item := range node.Content {
			checkNode(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs)
		}
	case t.Kind() == reflect.Map:
		if node.Kind != yaml.MappingNode {
			fail("want a mapping")
			return
		}
		for i := 0; i+1 < len(node.Content); i += 2 {
			checkNode(node.Content[i+1], t.Elem(), joinPath(path, node.Content[i].Value), errs)
		}
	default:
		if node.Kind != yaml.ScalarNode {
			fail("want %s", expectedForm(t))
			return
		}
		if err := node.Decode(reflect.New(t).Interface()); err != nil {
			fail("%q is not %s", node.Value, expectedForm(t))
		}
	}
}

// expectedForm says what a scalar of type t looks like in YAML.
func expectedForm(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration (300ms, 5s, 2m, 1h)"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		return "a whole number"
	case t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64:
		return "a whole number, 0 or more"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "a number"
	case t.Kind() == reflect.String:
		return "a string"
	}
	return "a " + t.Kind().String()
}

// fieldByKey finds the struct field a YAML key decodes into.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, ok := yamlName(f); ok && name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// keysOf lists the keys a struct takes, sorted.
func keysOf(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		if name, ok := yamlName(t.Field(i)); ok {
			keys = append(keys, name)
		}
	}
	slices.Sort(keys)
	return keys
}

func yamlName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	switch name {
	case "-":
		return "", false
	case "":
		return strings.ToLower(f.Name), true // yaml.v3's default
	}
	return name, true
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func nameOf(path string) string {
	if path == "" {
		return "the configuration"
	}
	return path
}
