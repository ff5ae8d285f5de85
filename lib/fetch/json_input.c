/* json_input.c: JSON input documents of every shape fetch knows, dispatched by content. */
#include <stdlib.h>
#include <string.h>

#include "fetch/unit.h"

/* The first few keys of an object, for a message about an unknown document. */
static void key_list(json_t *obj, char *out, size_t size)
{
	const char *key;
	json_t *v;
	size_t o = 0, k = 0;
	char esc[64];

	out[0] = '\0';
	json_object_foreach(obj, key, v) {
		if (k++ == 5) {
			snprintf(out + o, size - o, ", ...");
			return;
		}
		int n = snprintf(out + o, size - o, "%s%s", o ? ", " : "",
				 gr_escape_msg(key, strlen(key), 40, esc, sizeof(esc)));
		if (n < 0 || (size_t)n >= size - o)
			return;
		o += (size_t)n;
	}
}

static void document(struct gr_unit *u, json_t *doc, int depth)
{
	if (json_is_array(doc) && depth == 0) {
		size_t i;
		json_t *el;
		json_array_foreach(doc, i, el)
			document(u, el, depth + 1);
		return;
	}
	if (json_is_object(doc)) {
		if (gr_cwl_json(u, doc))
			return;
		/* the other shapes are read from text: an element of an array of traces
		 * or of Telemetry records, or a document the scanner refused but jansson
		 * took (a NUL byte after a number) */
		char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
		bool done = text && (gr_trace_text(u, text, strlen(text)) ||
				     (depth > 0 && gr_unit_lambda_json(u, text, strlen(text))));
		free(text);
		if (done)
			return;
		char keys[200];
		key_list(doc, keys, sizeof(keys));
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_UNKNOWN_DOC, "JSON document of unknown shape (keys: %s)",
			     keys[0] ? keys : "none");
		return;
	}
	gr_unit_record(u);
	gr_unit_lost(u, GR_LOST_UNKNOWN_DOC, "JSON %s where a document was expected",
		     json_is_array(doc) ? "array" : "scalar");
}

void gr_json_document(struct gr_unit *u, json_t *doc)
{
	document(u, doc, 0);
}
