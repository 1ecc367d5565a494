package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
	// Rows are encoded while PostgreSQL parses the ones before: the COPY
	// streams through a pipe in chunks instead of waiting for one buffer
	// of the whole batch.
	pr, pw := io.Pipe()
	encoded := make(chan error, 1)
	go func() {
		err := encodeCopyRows(pw, fields, rows)
		pw.CloseWithError(err) // nil: the end of the data
		encoded <- err
	}()
	query := fmt.Sprintf("COPY %s (%s) FROM STDIN", target, strings.Join(columns, ", "))
	_, err := pgdriver.CopyFrom(ctx, conn, pr, query)
	pr.CloseWithError(errCopyEnded) // frees the encoder if the COPY failed first
	if encErr := <-encoded; encErr != nil && encErr != errCopyEnded {
		return fmt.Errorf("copy %s: %w", table.Name, encErr)
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", table.Name, err)
	}
	return nil
}

var errCopyEnded = errors.New("copy ended")

// encodeCopyRows writes rows in COPY's text format to w.
func encodeCopyRows[T any](w io.Writer, fields []*schema.Field, rows []T) error {
	var buf bytes.Buffer
	for i := range rows {
		strct := reflect.ValueOf(&rows[i]).Elem()
		for j, f := range fields {
			if j > 0 {
				buf.WriteByte('\t')
			}
			if err := appendCopyValue(&buf, f, strct); err != nil {
				return err
			}
		}
		buf.WriteByte('\n')
		if buf.Len() >= 64<<10 || i == len(rows)-1 {
			if _, err := w.Write(buf.Bytes()); err != nil {
				return err
			}
			buf.Reset()
		}
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
// Rows are mostly hex and JSON with nothing to escape: runs between escapes
// are written whole (byte by byte, this was a third of an EVM batch's time).
func copyEscape(buf *bytes.Buffer, s string) {
	for {
		i := strings.IndexAny(s, "\\\n\r\t")
		if i < 0 {
			buf.WriteString(s)
			return
		}
		buf.WriteString(s[:i])
		switch s[i] {
		case '\\':
			buf.WriteString(`\\`)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		case '\t':
			buf.WriteString(`\t`)
		}
		s = s[i+1:]
	}
}
