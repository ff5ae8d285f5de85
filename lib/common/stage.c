/* stage.c: an input meant for another stage of the pipeline, told from its first line. */
#include "common/stage.h"

#include <stdbool.h>
#include <string.h>

#include "common/json_scan.h"

static bool has(const char *s, size_t n, const char *lit)
{
	return memmem(s, n, lit, strlen(lit)) != NULL;
}

static bool starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && !memcmp(s, lit, k);
}

const char *gr_stage_raw(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++, n--;
	if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3, n -= 3;
	if (!n)
		return NULL;
	if (s[0] == '{' || s[0] == '[') {
		/* a stream record names its type; Lambda's JSON records do too, as
		 * "platform.*", "function" or "extension" */
		if (has(s, n, "\"type\"") && !has(s, n, "\"platform.") &&
		    !has(s, n, "\"type\":\"function\"") && !has(s, n, "\"type\":\"extension\""))
			return NULL;
		if (n <= 2)
			return "a JSON document printed over several lines (AWS or trace output)";
		/* a damaged line says nothing of the input: it is lost on its own, and the
		 * rest of a damaged stream is still read */
		if (!gr_js_valid(s, n, s[0] == '[', 0, NULL))
			return NULL;
		if (has(s, n, "\"platform.") || has(s, n, "\"requestId\""))
			return "Lambda JSON-format log records";
		if (has(s, n, "\"Traces\"") || has(s, n, "\"Segments\"") || has(s, n, "\"trace_id\"") ||
		    has(s, n, "\"resourceSpans\"") || has(s, n, "\"traceID\"") ||
		    has(s, n, "\"format\""))
			return "a trace (X-Ray, Jaeger or OTLP JSON)";
		return "CloudWatch Logs or Lambda JSON output";
	}
	if (starts(s, n, "digraph") || starts(s, n, "strict digraph"))
		return "DOT text (gammaray-dot writes it)";
	if (starts(s, n, "START RequestId") || starts(s, n, "INIT_START") ||
	    starts(s, n, "END RequestId") || starts(s, n, "REPORT RequestId") ||
	    starts(s, n, "[INFO]") || starts(s, n, "[ERROR]") ||
	    has(s, n, "RequestId: ") || (s[0] >= '0' && s[0] <= '9'))
		return "Lambda log text (or a tool's output of it)";
	return NULL; /* unknown text: each line is lost under its own reason */
}
