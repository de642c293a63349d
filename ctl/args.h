/* drbdsetup's command-line grammar: positional arguments, then options as
 * "--name=value", "--name value", "--flag" or "--bool[=yes|no]" in any
 * order (getopt_long). */
#ifndef UDRBD_CTL_ARGS_H
#define UDRBD_CTL_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl/strbuf.h"

#define ARGS_MAX_POS 8
#define ARGS_MAX_OPTS 32

/* opt_spec.has_arg: drbdsetup's booleans take an optional "=yes"/"=no"
 * (drbdadm passes e.g. --use-rle=no); other flags take none. */
enum { ARG_NONE = 0, ARG_REQUIRED = 1, ARG_OPTIONAL = 2 };

struct opt_spec {
	const char *name;
	unsigned char has_arg;	/* ARG_* */
};

struct args {
	int npos;
	const char *pos[ARGS_MAX_POS];
	int nopts;
	struct {
		const char *name;
		const char *value;	/* NULL for a flag */
	} opt[ARGS_MAX_OPTS];
};

/* Parses argv[first..argc). Unknown options and excess words are errors
 * written to err (drbdsetup's wording); returns 0 or 20 (its exit code). */
int args_parse(struct args *a, int argc, char **argv, int first,
	       const struct opt_spec *specs, int max_pos, const char *cmd,
	       struct strbuf *err);

bool args_flag(const struct args *a, const char *name);
/* Last value given for an option, or NULL. */
const char *args_value(const struct args *a, const char *name);

/* Numbers with drbdsetup's unit suffixes: k/K, m/M, g/G, t/T (powers of
 * 1024) applied to a value whose plain unit is `unit` bytes (e.g. 512 for
 * sectors). Returns false if not a number or out of [min, max]. */
bool args_parse_num(const char *s, uint64_t unit, uint64_t min, uint64_t max,
		    uint64_t *out);

#endif
