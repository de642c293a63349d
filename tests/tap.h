/* Minimal TAP producer for unit tests: the same executables run natively and
 * under Wine (no C test framework is packaged for mingw-w64).
 *
 *   TAP_TEST(name) { ... TAP_EQ(a, b); TAP_OK(cond, "why"); }
 *   int main(void) { return tap_run(); }
 *
 * Each TAP_TEST is one TAP line; an assertion that fails inside it prints a
 * diagnostic and marks the test "not ok" (the test continues, so one run shows
 * every broken expectation). */
#ifndef UDRBD_TESTS_TAP_H
#define UDRBD_TESTS_TAP_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tap_case {
	const char *name;
	void (*fn)(void);
	struct tap_case *next;
};

static struct tap_case *tap_cases, **tap_tail = &tap_cases;
static int tap_failed_now;
static const char *tap_skip_reason;

static inline void tap_register(struct tap_case *c)
{
	*tap_tail = c;
	tap_tail = &c->next;
}

#define TAP_TEST(name)                                                        \
	static void tap_fn_##name(void);                                      \
	static struct tap_case tap_case_##name = { #name, tap_fn_##name, 0 }; \
	__attribute__((constructor)) static void tap_reg_##name(void)          \
	{                                                                     \
		tap_register(&tap_case_##name);                               \
	}                                                                     \
	static void tap_fn_##name(void)

static inline void tap_fail(const char *file, int line, const char *fmt, ...)
#ifdef __MINGW32__ /* mingw's C99 printf takes %zu; msvcrt's would not */
	__attribute__((format(gnu_printf, 3, 4)));
#else
	__attribute__((format(printf, 3, 4)));
#endif

#include <stdarg.h>
static inline void tap_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	tap_failed_now = 1;
	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define TAP_OK(cond, ...)                                                     \
	do {                                                                  \
		if (!(cond))                                                  \
			tap_fail(__FILE__, __LINE__, __VA_ARGS__);            \
	} while (0)

#define TAP_EQ(a, b)                                                          \
	do {                                                                  \
		long long tap_a_ = (long long)(a), tap_b_ = (long long)(b);   \
		if (tap_a_ != tap_b_)                                         \
			tap_fail(__FILE__, __LINE__,                          \
				 "%s == %s: %lld != %lld (0x%llx != 0x%llx)", \
				 #a, #b, tap_a_, tap_b_,                      \
				 (unsigned long long)tap_a_,                  \
				 (unsigned long long)tap_b_);                 \
	} while (0)

#define TAP_EQ_U64(a, b)                                                      \
	do {                                                                  \
		uint64_t tap_a_ = (uint64_t)(a), tap_b_ = (uint64_t)(b);      \
		if (tap_a_ != tap_b_)                                         \
			tap_fail(__FILE__, __LINE__,                          \
				 "%s == %s: 0x%" PRIx64 " != 0x%" PRIx64,    \
				 #a, #b, tap_a_, tap_b_);                     \
	} while (0)

#define TAP_STREQ(a, b)                                                       \
	do {                                                                  \
		const char *tap_a_ = (a), *tap_b_ = (b);                      \
		if (!tap_a_ || !tap_b_ || strcmp(tap_a_, tap_b_) != 0)        \
			tap_fail(__FILE__, __LINE__,                          \
				 "%s == %s:\n#   got:  \"%s\"\n#   want: \"%s\"", \
				 #a, #b, tap_a_ ? tap_a_ : "(null)",          \
				 tap_b_ ? tap_b_ : "(null)");                 \
	} while (0)

#define TAP_MEMEQ(a, b, n)                                                    \
	do {                                                                  \
		const unsigned char *tap_a_ = (const void *)(a),              \
				    *tap_b_ = (const void *)(b);              \
		size_t tap_n_ = (n), tap_i_;                                  \
		for (tap_i_ = 0; tap_i_ < tap_n_; tap_i_++)                   \
			if (tap_a_[tap_i_] != tap_b_[tap_i_])                 \
				break;                                        \
		if (tap_i_ != tap_n_)                                         \
			tap_fail(__FILE__, __LINE__,                          \
				 "%s == %s: first difference at byte %zu: "   \
				 "0x%02x != 0x%02x", #a, #b, tap_i_,          \
				 tap_a_[tap_i_], tap_b_[tap_i_]);             \
	} while (0)

/* Marks the running test as skipped (TAP "# SKIP reason"); return after it. */
#define TAP_SKIP(reason) (tap_skip_reason = (reason))

static inline int tap_run(void)
{
	int n = 0, failed = 0;
	struct tap_case *c;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (c = tap_cases; c; c = c->next)
		n++;
	printf("1..%d\n", n);
	n = 0;
	for (c = tap_cases; c; c = c->next) {
		tap_failed_now = 0;
		tap_skip_reason = NULL;
		c->fn();
		n++;
		if (tap_skip_reason && !tap_failed_now) {
			printf("ok %d - %s # SKIP %s\n", n, c->name, tap_skip_reason);
			continue;
		}
		printf("%s %d - %s\n", tap_failed_now ? "not ok" : "ok", n, c->name);
		failed += tap_failed_now;
	}
	return failed ? 1 : 0;
}

#endif
