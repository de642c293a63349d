/* The option tables behind `drbdsetup show`: for each section, DRBD's
 * keywords in drbdsetup's order, with their unit, scale and how a value
 * maps to text. Values live in the ctl/view.h option structs. */
#ifndef UDRBD_CTL_SHOW_OPTS_H
#define UDRBD_CTL_SHOW_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ctl_opt_kind {
	CTL_OPT_U32,
	CTL_OPT_S32,
	CTL_OPT_U64,
	CTL_OPT_BOOL,
	CTL_OPT_ENUM,		/* index into names */
	CTL_OPT_ENUM_NUM,	/* a count, or off/majority/all */
	CTL_OPT_STRING,		/* quoted in drbd.conf syntax */
};

struct ctl_opt_def {
	const char *name;
	enum ctl_opt_kind kind;
	size_t off;		/* offset in the section's option struct */
	char scale;		/* suffix of numbers: '1' none, 'k', 's' */
	const char *unit;	/* the "# unit" comment, or NULL */
	int64_t def;
	const char *const *names;
	size_t n_names;
};

struct ctl_opt_section {
	const struct ctl_opt_def *defs;
	size_t n;
};

extern const struct ctl_opt_section ctl_res_opt_section;
extern const struct ctl_opt_section ctl_net_opt_section;
extern const struct ctl_opt_section ctl_disk_opt_section;
extern const struct ctl_opt_section ctl_peer_device_opt_section;

#define CTL_OPT_VALUE_LEN 80

/* The value as drbdsetup prints it (before quoting) and whether it is the
 * default. */
bool ctl_opt_value(const struct ctl_opt_def *d, const void *opts,
		   char out[CTL_OPT_VALUE_LEN]);

#endif
