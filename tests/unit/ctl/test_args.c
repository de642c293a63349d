/* drbdsetup's option grammar (ctl/args.c): the words drbdadm hands over.
 * The kernel interop scenario "resync" found booleans refused with a value:
 * Debian's drbdadm turns "net { use-rle no; }" into --use-rle=no. */
#include "ctl/args.h"
#include "tests/tap.h"

static const struct opt_spec specs[] = {
	{ "use-rle", ARG_OPTIONAL }, { "protocol", ARG_REQUIRED }, { "force", ARG_NONE },
	{ NULL, ARG_NONE },
};

static int parse(struct args *a, struct strbuf *err, int argc, char **argv)
{
	strbuf_init(err);
	return args_parse(a, argc, argv, 0, specs, 2, "new-peer", err);
}

TAP_TEST(boolean_with_value_as_drbdadm_passes_it)
{
	char *argv[] = { "r0", "1", "--protocol=C", "--use-rle=no" };
	struct args a;
	struct strbuf err;

	TAP_EQ(parse(&a, &err, 4, argv), 0);
	TAP_EQ(a.npos, 2);
	TAP_STREQ(args_value(&a, "use-rle"), "no");
	TAP_STREQ(args_value(&a, "protocol"), "C");
	strbuf_free(&err);
}

TAP_TEST(boolean_alone_means_yes)
{
	char *argv[] = { "r0", "--use-rle" };
	struct args a;
	struct strbuf err;

	TAP_EQ(parse(&a, &err, 2, argv), 0);
	TAP_OK(args_flag(&a, "use-rle"), "flag set");
	TAP_OK(args_value(&a, "use-rle") == NULL, "no value");
	strbuf_free(&err);
}

TAP_TEST(boolean_does_not_take_the_next_word)
{
	char *argv[] = { "--use-rle", "r0", "1" };
	struct args a;
	struct strbuf err;

	TAP_EQ(parse(&a, &err, 3, argv), 0);
	TAP_EQ(a.npos, 2);
	TAP_STREQ(a.pos[0], "r0");
	strbuf_free(&err);
}

TAP_TEST(flag_refuses_a_value)
{
	char *argv[] = { "r0", "--force=yes" };
	struct args a;
	struct strbuf err;

	TAP_EQ(parse(&a, &err, 2, argv), 20);
	TAP_STREQ(err.buf, "drbdsetup new-peer: option '--force' doesn't allow an argument\n");
	strbuf_free(&err);
}

TAP_TEST(required_value_as_next_word)
{
	char *argv[] = { "r0", "--protocol", "A" };
	struct args a;
	struct strbuf err;

	TAP_EQ(parse(&a, &err, 3, argv), 0);
	TAP_EQ(a.npos, 1);
	TAP_STREQ(args_value(&a, "protocol"), "A");
	strbuf_free(&err);
}

int main(void)
{
	return tap_run();
}
