/* A growable text buffer: the formatters of ctl/ write into it instead of a
 * FILE (open_memstream is missing on mingw-w64). An allocation failure is
 * sticky: later appends are dropped and strbuf_failed() reports it once, so
 * callers check a single time after formatting. */
#ifndef UDRBD_CTL_STRBUF_H
#define UDRBD_CTL_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;	/* NUL-terminated once anything was appended */
	size_t len, cap;
	bool failed;
};

#define STRBUF_INIT { 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_spaces(struct strbuf *sb, int n);
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The text so far ("" when empty); valid until the next append. */
const char *strbuf_str(const struct strbuf *sb);

static inline bool strbuf_failed(const struct strbuf *sb)
{
	return sb->failed;
}

#endif
