/* See golden.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/wire/golden.h"

static const char *golden_dir;
static char reason[2048];

void golden_set_dir(const char *dir)
{
	golden_dir = dir;
}

const char *golden_skip_reason(void)
{
	return reason;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf) {
			buf[n] = 0;
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

/* Splits line at tabs in place; returns the number of fields. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = 0;
	}
	return n;
}

/* Calls fn for each line of a text file (the buffer is modified). */
static int each_line(const char *path, int (*fn)(struct golden *, char *),
		     struct golden *g)
{
	size_t len;
	char *text = (char *)slurp(path, &len), *line, *next;
	int rc = 0;

	if (!text) {
		snprintf(reason, sizeof(reason), "cannot read %s", path);
		return -1;
	}
	for (line = text; rc == 0 && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (*line)
			rc = fn(g, line);
	}
	free(text);
	return rc;
}

static int index_line(struct golden *g, char *line)
{
	char *f[9];
	struct golden_dir *d;

	if (split_tabs(line, f, 9) != 9 || !strcmp(f[0], "stream"))
		return 0;
	if (g->ndirs == GOLDEN_MAX_DIRS)
		return -1;
	d = &g->dirs[g->ndirs++];
	memset(d, 0, sizeof(*d));
	d->stream = (unsigned)strtoul(f[0], NULL, 10);
	snprintf(d->src, sizeof(d->src), "%s", f[1]);
	d->sport = (unsigned)strtoul(f[2], NULL, 10);
	snprintf(d->file, sizeof(d->file), "%s", f[8]);
	if (strtoul(f[7], NULL, 10) != 0) {
		snprintf(reason, sizeof(reason), "%s has holes", f[8]);
		return -1;
	}
	return 0;
}

static int expect_line(struct golden *g, char *line)
{
	char *f[4 + GX_N];
	struct golden_exp *e;
	int n = split_tabs(line, f, 4 + GX_N);

	if (n < 4)
		return -1;
	e = &g->exp[g->nexp++];
	memset(e, 0, sizeof(*e));
	e->stream = (unsigned)strtoul(f[0], NULL, 10);
	snprintf(e->src, sizeof(e->src), "%s", f[1]);
	e->sport = (unsigned)strtoul(f[2], NULL, 10);
	snprintf(e->name, sizeof(e->name), "%s", f[3]);
	for (int i = 0; i < GX_N && 4 + i < n; i++)
		snprintf(e->val[i], sizeof(e->val[i]), "%s", f[4 + i]);
	return 0;
}

static int count_lines(const char *path)
{
	size_t len;
	char *text = (char *)slurp(path, &len);
	int n = 1;

	if (!text)
		return -1;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	free(text);
	return n;
}

/* The manifest names the scenarios, or says the test data is missing. */
static int check_manifest(struct golden *g, const char *scenario)
{
	char path[1024], *line, *tab;
	size_t len;
	char *text;
	int rc = -1;

	snprintf(path, sizeof(path), "%s.tsv", golden_dir);
	text = (char *)slurp(path, &len);
	if (!text) {
		snprintf(reason, sizeof(reason), "no manifest %s", path);
		return -1;
	}
	if (!strncmp(text, "#missing", 8)) {
		const char *ci = getenv("CI");

		text[strcspn(text, "\n")] = 0;

		snprintf(reason, sizeof(reason), "capture data missing:%s",
			 text + 8);
		free(text);
		return ci && !strcmp(ci, "true") ? -1 : GOLDEN_SKIP;
	}
	snprintf(reason, sizeof(reason), "%s not in %s", scenario, path);
	for (line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		tab = strchr(line, '\t');
		if (tab && (size_t)(tab - line) == strlen(scenario) &&
		    !strncmp(line, scenario, strlen(scenario))) {
			g->names_only = !strncmp(tab + 1, "names", 5);
			rc = 0;
			break;
		}
	}
	free(text);
	return rc;
}

static int load_streams(struct golden *g, const char *sdir)
{
	char path[1024];

	for (unsigned i = 0; i < g->ndirs; i++) {
		struct golden_dir *d = &g->dirs[i];

		snprintf(path, sizeof(path), "%s/%s", sdir, d->file);
		d->buf = slurp(path, &d->len);
		if (!d->buf) {
			snprintf(reason, sizeof(reason), "cannot read %s", path);
			return -1;
		}
		d->pdus = calloc(d->len / 8 + 2, sizeof(*d->pdus));
		if (!d->pdus)
			return -1;
	}
	return 0;
}

int golden_load(struct golden *g, const char *scenario)
{
	char sdir[768], path[1024];
	int rc, n;

	memset(g, 0, sizeof(*g));
	if (!golden_dir) {
		snprintf(reason, sizeof(reason), "no golden directory argument");
		return -1;
	}
	rc = check_manifest(g, scenario);
	if (rc)
		return rc;
	snprintf(sdir, sizeof(sdir), "%s/%s", golden_dir, scenario);
	snprintf(path, sizeof(path), "%s/index.tsv", sdir);
	if (each_line(path, index_line, g) < 0 || load_streams(g, sdir) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/expect.tsv", sdir);
	n = count_lines(path);
	g->exp = n > 0 ? calloc((size_t)n, sizeof(*g->exp)) : NULL;
	if (!g->exp)
		return -1;
	return each_line(path, expect_line, g);
}

void golden_free(struct golden *g)
{
	for (unsigned i = 0; i < g->ndirs; i++) {
		free(g->dirs[i].buf);
		free(g->dirs[i].pdus);
	}
	free(g->exp);
	memset(g, 0, sizeof(*g));
}
