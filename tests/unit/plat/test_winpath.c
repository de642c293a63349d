/* Windows disk names to CreateFileW paths (pure; runs on every OS). */
#include "tests/unit/plat/plat_test.h"
#include "tests/tap.h"

int plat_win32_devpath(const char *in, char *out, size_t len);

static void check(const char *in, int want_dev, const char *want)
{
	char out[300] = "";

	TAP_EQ(plat_win32_devpath(in, out, sizeof(out)), want_dev);
	TAP_STREQ(out, want);
}

TAP_TEST(drive_letter)
{
	check("F:", 1, "\\\\.\\F:");
	check("c:", 1, "\\\\.\\c:");
	/* A path on a drive is a file. */
	check("F:\\images\\disk.img", 0, "F:\\images\\disk.img");
}

TAP_TEST(volume_guid)
{
	const char *want = "\\\\?\\Volume{0b098289-8295-11e7-bddb-0800274272c4}";

	check("0b098289-8295-11e7-bddb-0800274272c4", 1, want);
	check("\\\\?\\Volume{0b098289-8295-11e7-bddb-0800274272c4}", 1, want);
	/* The trailing backslash names the root directory: strip it. */
	check("\\\\?\\Volume{0b098289-8295-11e7-bddb-0800274272c4}\\", 1, want);
	/* Not GUIDs: a wrong dash, a non-hex digit. */
	check("0b098289-8295-11e7-bddb_0800274272c4", 0, "0b098289-8295-11e7-bddb_0800274272c4");
	check("0b098289-8295-11e7-bddb-0800274272cg", 0, "0b098289-8295-11e7-bddb-0800274272cg");
}

TAP_TEST(physical_drive_and_files)
{
	check("\\\\.\\PhysicalDrive2", 1, "\\\\.\\PhysicalDrive2");
	check("disk.img", 0, "disk.img");
	check("/tmp/x", 0, "/tmp/x");
}

TAP_TEST(too_long)
{
	char out[8];

	TAP_EQ(plat_win32_devpath("0b098289-8295-11e7-bddb-0800274272c4", out, sizeof(out)),
	       -ENAMETOOLONG);
	TAP_EQ(plat_win32_devpath("F:", out, 4), -ENAMETOOLONG);
}

int main(void)
{
	return tap_run();
}
