package mcpserver

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bigc-dev/bigc/tools"
)

// errorBody is the error object of a failed call: the tools.Error itself,
// whose ConfirmationToken the adapter sets when it hands one out.
type errorBody = tools.Error

// errorCategories are the categories a failed call may carry, as the
// server's instructions list them.
func errorCategories() []tools.Category {
	return []tools.Category{
		tools.CategoryBadInput, tools.CategoryUnauthorized, tools.CategoryMissingScope,
		tools.CategoryNotFound, tools.CategoryConflict, tools.CategoryRateLimited,
		tools.CategoryUpstream, tools.CategoryOutcomeUnknown, tools.CategoryConfirmationRequired,
		tools.CategoryCanceled, tools.CategoryInternal,
	}
}

func bodyOf(e *tools.Error) errorBody { return *e }

// errorResult is a failed call as a tool result: isError, the error object
// as structured content, and a sentence a model can act on as text. A tool's
// errors come cleaned of hidden characters (tools.CleanText) from Tool.Run.
func errorResult(e errorBody) *mcp.CallToolResult {
	if e.Category == "" {
		e.Category = tools.CategoryInternal
	}
	v, err := toGeneric(map[string]any{outError: e})
	if err != nil {
		v = map[string]any{outError: map[string]any{"category": string(tools.CategoryInternal), "message": "the error could not be encoded"}}
	}
	return &mcp.CallToolResult{
		IsError:           true,
		Content:           []mcp.Content{&mcp.TextContent{Text: errorText(e)}},
		StructuredContent: v,
	}
}

func errorText(e errorBody) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Error (%s): %s", e.Category, strings.TrimSuffix(e.Message, "."))
	b.WriteString(".")
	if e.Field != "" {
		fmt.Fprintf(&b, " Argument at fault: %s.", e.Field)
	}
	if len(e.Fields) > 0 {
		keys := slices.Sorted(maps.Keys(e.Fields))
		b.WriteString(" The store refused:")
		for _, k := range keys {
			fmt.Fprintf(&b, " %s: %s;", k, e.Fields[k])
		}
	}
	if e.MissingScope != "" {
		fmt.Fprintf(&b, " The store's API account lacks the scope %s; a person must grant it in the control panel.", e.MissingScope)
	}
	if e.RetryAfterSeconds > 0 {
		fmt.Fprintf(&b, " Retry after %s seconds.", strconv.FormatFloat(e.RetryAfterSeconds, 'f', -1, 64))
	}
	if e.Next != "" {
		fmt.Fprintf(&b, " Next: %s", e.Next)
		if !strings.HasSuffix(e.Next, ".") {
			b.WriteString(".")
		}
	}
	if e.ConfirmationToken != "" {
		fmt.Fprintf(&b, " confirmation_token: %s", e.ConfirmationToken)
	}
	return b.String()
}

// redact removes the access token of every connection the server serves from
// text: a model may paste any of them into any tool's input.
func (s *Server) redact(text string) string {
	for _, c := range s.conns {
		text = c.Client.Redact(text)
	}
	return text
}
