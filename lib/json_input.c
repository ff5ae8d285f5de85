/* json_input.c: JSON input documents of every shape fetch knows, dispatched by content. */
#include <string.h>

#include "unit.h"

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

static bool is_lambda_record(json_t *doc)
{
	return (json_object_get(doc, "time") && json_object_get(doc, "type") &&
		json_object_get(doc, "record")) ||
	       (json_object_get(doc, "timestamp") &&
		(json_object_get(doc, "requestId") || json_object_get(doc, "level") ||
		 json_object_get(doc, "log_level")));
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
		if (gr_xray_json(u, doc) || gr_cwl_json(u, doc))
			return;
		if (is_lambda_record(doc)) {
			const struct gr_unit_spec *sp = u->spec;
			struct gr_stream *s = gr_unit_stream(u, sp->group,
							     sp->group ? strlen(sp->group) : 0,
							     sp->stream,
							     sp->stream ? strlen(sp->stream) : 0);
			gr_unit_record(u);
			if (s)
				gr_unit_log_json(u, s, GR_TIME_UNKNOWN, doc);
			return;
		}
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
