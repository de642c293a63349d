/* Shared by the text and JSON forms of `drbdsetup show`. */
#ifndef UDRBD_CTL_SHOW_PRIV_H
#define UDRBD_CTL_SHOW_PRIV_H

#include "ctl/fmt_priv.h"
#include "ctl/show_opts.h"

struct show_ctx {
	struct strbuf *sb;
	int indent;		/* drbdsetup's levels of four blanks */
	bool show_defaults;
};

/* A line (or its start) at the current indentation. */
void ctl_show_line(struct show_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* drbd.conf quoting: backslash before '\' and '"'. */
void ctl_show_quoted(struct strbuf *sb, const char *s);

int ctl_fmt_show_json(struct strbuf *out, const struct ctl_resource **sorted,
		      size_t n, const char *name, const struct ctl_show_opts *o);

#endif
