/* Golden-file comparison for the ctl formatter tests: the expected bytes
 * are the outputs of drbd-utils 9.22 recorded against DRBD 9.3.3
 * (../shared/testdata/drbd9-cli/, see its README.md), read at run time. */
#ifndef UDRBD_TESTS_CTL_GOLDEN_H
#define UDRBD_TESTS_CTL_GOLDEN_H

#include "ctl/strbuf.h"
#include "tests/tap.h"

/* The drbd9-cli directory, from $UDRBD_TESTDATA (set by meson). */
static inline const char *golden_dir(void)
{
	const char *d = getenv("UDRBD_TESTDATA");

	return d && *d ? d : NULL;
}

static inline char *golden_read(const char *rel, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!golden_dir())
		return NULL;
	snprintf(path, sizeof(path), "%s/drbd9-cli/%s", golden_dir(), rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			char *p = realloc(buf, cap = n + 65536);

			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Without the test data, skip - except on CI, where that is a failure. */
static inline bool golden_available(void)
{
	const char *ci = getenv("CI");
	size_t len;
	char *probe = golden_read("README.md", &len);

	if (probe) {
		free(probe);
		return true;
	}
	if (ci && !strcmp(ci, "true"))
		tap_fail(__FILE__, __LINE__, "golden data not found (UDRBD_TESTDATA=%s)",
			 golden_dir() ? golden_dir() : "(unset)");
	else
		TAP_SKIP("golden data ../shared/testdata not found");
	return false;
}

/* Reports the first differing line of got vs. the golden file. */
static inline void golden_check_at(const char *file, int line,
				   const struct strbuf *got, const char *rel)
{
	size_t len, i, ls = 0, lineno = 1;
	char *want = golden_read(rel, &len);
	const char *g = strbuf_str(got);

	if (!want) {
		tap_fail(file, line, "cannot read golden file %s", rel);
		return;
	}
	for (i = 0; i < len && g[i] && g[i] == want[i]; i++)
		if (want[i] == '\n') {
			ls = i + 1;
			lineno++;
		}
	if (i != len || g[i]) {
		const char *ge = strchr(g + ls, '\n'), *we = memchr(want + ls, '\n', len - ls);

		tap_fail(file, line,
			 "%s differs at line %zu\n#   got:  \"%.*s\"\n#   want: \"%.*s\"",
			 rel, lineno, (int)(ge ? ge - (g + ls) : (long)strlen(g + ls)), g + ls,
			 (int)(we ? we - (want + ls) : (long)(len - ls)), want + ls);
	}
	free(want);
}

#define GOLDEN_CHECK(sb, rel) golden_check_at(__FILE__, __LINE__, (sb), (rel))

#endif
