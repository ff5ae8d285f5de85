/* jparse.c: benchmark baseline: parse every line of NDJSON files with jansson, nothing else. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long ok = 0, bad = 0;

	for (int i = 1; i < argc || i == 1; i++) {
		FILE *f = argc > 1 ? fopen(argv[i], "r") : stdin;
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		while ((n = getline(&line, &cap, f)) > 0) {
			json_t *j = json_loadb(line, (size_t)n, 0, NULL);
			if (j)
				ok++;
			else
				bad++;
			json_decref(j);
		}
		if (f != stdin)
			fclose(f);
		if (argc <= 1)
			break;
	}
	free(line);
	fprintf(stderr, "jparse: %ld lines parsed, %ld not JSON\n", ok, bad);
	return 0;
}
