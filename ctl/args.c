/* drbdsetup argument parsing (ctl/args.h). */
#include "ctl/args.h"

#include <stdlib.h>
#include <string.h>

static const struct opt_spec *find_spec(const struct opt_spec *specs, const char *name,
					size_t len)
{
	for (; specs && specs->name; specs++)
		if (strlen(specs->name) == len && strncmp(specs->name, name, len) == 0)
			return specs;
	return NULL;
}

static int add_opt(struct args *a, const char *name, const char *value,
		   const char *cmd, struct strbuf *err)
{
	if (a->nopts == ARGS_MAX_OPTS) {
		strbuf_printf(err, "drbdsetup %s: too many options\n", cmd);
		return 20;
	}
	a->opt[a->nopts].name = name;
	a->opt[a->nopts].value = value;
	a->nopts++;
	return 0;
}

int args_parse(struct args *a, int argc, char **argv, int first,
	       const struct opt_spec *specs, int max_pos, const char *cmd,
	       struct strbuf *err)
{
	memset(a, 0, sizeof(*a));
	for (int i = first; i < argc; i++) {
		const char *w = argv[i], *eq;
		const struct opt_spec *s;
		size_t len;

		if (strncmp(w, "--", 2) != 0 || w[2] == 0) {
			if (a->npos == max_pos || a->npos == ARGS_MAX_POS) {
				strbuf_printf(err, "Excess arguments: %s\n", w);
				return 20;
			}
			a->pos[a->npos++] = w;
			continue;
		}
		w += 2;
		eq = strchr(w, '=');
		len = eq ? (size_t)(eq - w) : strlen(w);
		s = find_spec(specs, w, len);
		if (!s) {
			strbuf_printf(err, "drbdsetup %s: unrecognized option '--%.*s'\n",
				      cmd, (int)len, w);
			return 20;
		}
		if (s->has_arg != ARG_REQUIRED) {
			if (eq && s->has_arg == ARG_NONE) {
				strbuf_printf(err, "drbdsetup %s: option '--%s' doesn't allow an argument\n",
					      cmd, s->name);
				return 20;
			}
			if (add_opt(a, s->name, eq ? eq + 1 : NULL, cmd, err))
				return 20;
			continue;
		}
		if (!eq && i + 1 >= argc) {
			strbuf_printf(err, "drbdsetup %s: option '--%s' requires an argument\n",
				      cmd, s->name);
			return 20;
		}
		if (add_opt(a, s->name, eq ? eq + 1 : argv[++i], cmd, err))
			return 20;
	}
	return 0;
}

bool args_flag(const struct args *a, const char *name)
{
	for (int i = 0; i < a->nopts; i++)
		if (strcmp(a->opt[i].name, name) == 0)
			return true;
	return false;
}

const char *args_value(const struct args *a, const char *name)
{
	const char *v = NULL;

	for (int i = 0; i < a->nopts; i++)
		if (strcmp(a->opt[i].name, name) == 0)
			v = a->opt[i].value;
	return v;
}

bool args_parse_num(const char *s, uint64_t unit, uint64_t min, uint64_t max,
		    uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mult = 1;

	if (!s || !*s || *s == '-')
		return false;
	v = strtoull(s, &end, 0);
	switch (*end) {
	case 0: break;
	case 's': mult = 512; end++; break;
	case 'k': case 'K': mult = 1ull << 10; end++; break;
	case 'm': case 'M': mult = 1ull << 20; end++; break;
	case 'g': case 'G': mult = 1ull << 30; end++; break;
	case 't': case 'T': mult = 1ull << 40; end++; break;
	default: return false;
	}
	if (*end)
		return false;
	if (mult != 1) {
		/* A suffix names bytes; convert to the option's unit. */
		if (v > UINT64_MAX / mult)
			return false;
		v = v * mult / unit;
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}
