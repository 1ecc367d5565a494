package store

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/schema"
)

// copyRows bulk-loads rows with COPY … FROM STDIN on conn, the connection
// that holds the batch's transaction. For PostgreSQL a COPY is much cheaper
// than a multi-row INSERT of the same rows: nothing to parse or plan per
// row. Columns are the model's, less those the database fills
// (autoincrement ids, defaults of zero-valued fields).
func copyRows[T any](ctx context.Context, db *bun.DB, conn bun.Conn, rows []T) error {
	return copyInto(ctx, db, conn, "", rows)
}

// copyInto is copyRows into another table of the same columns (a staging
// table); into "" means the model's own table.
func copyInto[T any](ctx context.Context, db *bun.DB, conn bun.Conn, into string, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	table := db.Table(reflect.TypeFor[T]())
	target := string(table.SQLName)
	if into != "" {
		target = into
	}
	var fields []*schema.Field
	var columns []string
	for _, f := range table.Fields {
		if f.AutoIncrement || f.SQLDefault != "" {
			continue
		}
		fields = append(fields, f)
		columns = append(columns, string(f.SQLName))
	}
	var buf bytes.Buffer
	for i := range rows {
		strct := reflect.ValueOf(&rows[i]).Elem()
		for j, f := range fields {
			if j > 0 {
				buf.WriteByte('\t')
			}
			if err := appendCopyValue(&buf, f, strct); err != nil {
				return fmt.Errorf("copy %s: %w", table.Name, err)
			}
		}
		buf.WriteByte('\n')
	}
	query := fmt.Sprintf("COPY %s (%s) FROM STDIN", target, strings.Join(columns, ", "))
	if _, err := pgdriver.CopyFrom(ctx, conn, &buf, query); err != nil {
		return fmt.Errorf("copy %s: %w", table.Name, err)
	}
	return nil
}

var timeType = reflect.TypeFor[time.Time]()

// appendCopyValue writes one field in COPY's text format.
func appendCopyValue(buf *bytes.Buffer, f *schema.Field, strct reflect.Value) error {
	if f.NullZero && f.HasZeroValue(strct) {
		buf.WriteString(`\N`)
		return nil
	}
	v := f.Value(strct)
	switch {
	case v.Type() == timeType:
		buf.WriteString(v.Interface().(time.Time).UTC().Format(time.RFC3339Nano))
		return nil
	case v.Kind() == reflect.String:
		copyEscape(buf, v.String())
	case v.Kind() == reflect.Bool:
		buf.WriteString(strconv.FormatBool(v.Bool()))
	case v.CanInt():
		buf.WriteString(strconv.FormatInt(v.Int(), 10))
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		copyEscape(buf, string(v.Bytes())) // JSON text
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		if v.IsNil() {
			buf.WriteString(`\N`)
			return nil
		}
		var arr strings.Builder
		arr.WriteByte('{')
		for i := range v.Len() {
			if i > 0 {
				arr.WriteByte(',')
			}
			arr.WriteByte('"')
			arr.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v.Index(i).String()))
			arr.WriteByte('"')
		}
		arr.WriteByte('}')
		copyEscape(buf, arr.String())
	default:
		return fmt.Errorf("column %s: no COPY encoding for %s", f.Name, v.Type())
	}
	return nil
}

// copyEscape writes s with the backslash escapes COPY's text format needs.
func copyEscape(buf *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			buf.WriteString(`\\`)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		case '\t':
			buf.WriteString(`\t`)
		default:
			buf.WriteByte(c)
		}
	}
}
