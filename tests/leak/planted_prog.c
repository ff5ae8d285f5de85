/* planted_prog.c: gammaray-planted-leak, a program that leaks on purpose, for tests/leak/run.sh. */
#include <cgraph.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"

/*
 * Prints one line and exits 0, leaking as asked: "buf" drops a gr_buf (project
 * code), "cgraph" a graph it opened without agclose (Graphviz memory that is ours to
 * free, which no suppression may hide), "none" nothing (the control).
 */
int main(int argc, char **argv)
{
	static struct gr_buf keep; /* reachable: not a leak */
	struct gr_buf b = GR_BUF_INIT;
	const char *what = argc > 1 ? argv[1] : "buf";

	if (gr_buf_add(&b, "planted", 7) || gr_buf_add(&keep, "kept", 4))
		return 1;
	if (!strcmp(what, "cgraph")) {
		Agraph_t *g = agopen("planted", Agdirected, NULL);
		if (!g || !agnode(g, "n", 1))
			return 1;
		g = NULL;
	}
	printf("%s %s\n", b.data, what);
	if (strcmp(what, "buf"))
		gr_buf_release(&b);
	return 0;
}
