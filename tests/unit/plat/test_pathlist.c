/* plat_pathlist_edit: the machine-wide PATH edit `udrbd path add|remove`
 * makes for the MSI; pure code, so it runs natively and under Wine. */
#include "plat/plat.h"
#include "tests/tap.h"

static char out[256];

TAP_TEST(add_appends_once)
{
	TAP_EQ(plat_pathlist_edit("C:\\Windows;C:\\bin", "C:\\udrbd", true, out, sizeof(out)), 1);
	TAP_STREQ(out, "C:\\Windows;C:\\bin;C:\\udrbd");
	TAP_EQ(plat_pathlist_edit(out, "c:\\UDRBD\\", true, out + 128, 128), 0);
	TAP_STREQ(out + 128, "C:\\Windows;C:\\bin;C:\\udrbd");
}

TAP_TEST(add_to_empty_and_to_trailing_separator)
{
	TAP_EQ(plat_pathlist_edit("", "C:\\u", true, out, sizeof(out)), 1);
	TAP_STREQ(out, "C:\\u");
	TAP_EQ(plat_pathlist_edit("%SystemRoot%;", "C:\\u", true, out, sizeof(out)), 1);
	TAP_STREQ(out, "%SystemRoot%;C:\\u");
}

TAP_TEST(remove_every_copy_keeps_the_rest)
{
	TAP_EQ(plat_pathlist_edit("C:\\u;%SystemRoot%\\system32;;c:\\U\\;C:\\bin", "C:\\u",
				  false, out, sizeof(out)), 1);
	TAP_STREQ(out, "%SystemRoot%\\system32;C:\\bin");
	TAP_EQ(plat_pathlist_edit("C:\\a;C:\\b", "C:\\u", false, out, sizeof(out)), 0);
	TAP_STREQ(out, "C:\\a;C:\\b");
	/* A longer name that starts the same is another directory. */
	TAP_EQ(plat_pathlist_edit("C:\\udrbd2", "C:\\udrbd", false, out, sizeof(out)), 0);
	TAP_EQ(plat_pathlist_edit("C:\\u", "C:\\u", false, out, sizeof(out)), 1);
	TAP_STREQ(out, "");
}

TAP_TEST(too_small)
{
	char small[8];

	TAP_EQ(plat_pathlist_edit("C:\\Windows", "C:\\u", true, small, sizeof(small)),
	       -ENAMETOOLONG);
}

int main(void)
{
	return tap_run();
}
