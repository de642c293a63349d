/* udrbd hide-filesystem | show-filesystem | filesystem-state [-q] TARGET
 *
 * TARGET is a file anywhere; on Windows also a drive letter ("F:"), a
 * volume GUID (bare or "\\?\Volume{...}") or "\\.\PhysicalDriveN"
 * (plat/winpath.c). The boot sector's signature is patched as WinDRBD's
 * `windrbd hide-filesystem` does (md/fshide.h), so a disk hidden by either
 * tool is shown by the other.
 *
 * Exit codes: 0 done (filesystem-state: something known found),
 * 1 usage or I/O error, 2 already hidden (hide) or shown (show),
 * 3 no known file system. drbdadm's automatic hide before attach may take
 * 2 and 3 as "nothing to do". */
#include "md/fshide.h"
#include "plat/plat.h"

#include <stdio.h>
#include <string.h>

enum fs_op { FS_HIDE, FS_SHOW, FS_STATE };

/* Enough for a 4Kn device's first sector; 512-byte devices smaller than
 * this are read by their first sector only. */
#define FS_READ 4096

struct fs_target {
	const char *name;
	struct plat_bdev *b;
	uint8_t *buf;
	size_t len;
};

/* Reads the first FS_READ bytes, or the first sector of something
 * smaller. No size query: Wine's drive-letter devices (a dosdevices link
 * to an image) answer no IOCTL_DISK_GET_LENGTH_INFO, and a read says as
 * much. */
static int fs_open(struct fs_target *t, bool write)
{
	int err;

	err = plat_bdev_open(t->name, write ? 0 : PLAT_BDEV_RDONLY, &t->b);
	if (err) {
		fprintf(stderr, "udrbd: cannot open %s: %s\n", t->name, plat_strerror(err));
		return err;
	}
	t->buf = plat_alloc_aligned(FS_READ);
	if (!t->buf)
		return -ENOMEM;
	t->len = FS_READ;
	err = plat_bdev_pread(t->b, t->buf, t->len, 0);
	if (err == -EIO) {
		t->len = FSHIDE_SECTOR;
		err = plat_bdev_pread(t->b, t->buf, t->len, 0);
	}
	if (err)
		fprintf(stderr, "udrbd: cannot read the boot sector of %s: %s\n", t->name,
			plat_strerror(err));
	return err;
}

static void fs_close(struct fs_target *t)
{
	if (t->buf)
		plat_free_aligned(t->buf);
	if (t->b)
		plat_bdev_close(t->b);
}

static int fs_write(struct fs_target *t)
{
	int err = plat_bdev_pwrite(t->b, t->buf, t->len, 0);

	if (!err)
		err = plat_bdev_flush(t->b);
	if (err)
		fprintf(stderr, "udrbd: cannot write the boot sector of %s: %s\n", t->name,
			plat_strerror(err));
	return err;
}

static void print_field(const char *what, const uint8_t *p, unsigned len)
{
	printf("%s\"", what);
	for (unsigned i = 0; i < len; i++)
		if (p[i] >= ' ' && p[i] < 127 && p[i] != '"' && p[i] != '\\')
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	putchar('"');
}

static void print_patch(const struct fshide_state *st, bool hid)
{
	printf(" (boot sector offset %u: ", st->off);
	print_field("", hid ? st->shown : st->hidden, st->len);
	print_field(" -> ", hid ? st->hidden : st->shown, st->len);
	printf(")\n");
}

static int fs_state(struct fs_target *t, bool quiet)
{
	struct fshide_state st;
	enum fshide_found f = fshide_detect(t->buf, &st);

	if (!quiet && f == FSHIDE_NOTHING)
		printf("%s: no known file system (NTFS, ReFS, FAT, exFAT)\n", t->name);
	else if (!quiet)
		printf("%s: %s, %s%s\n", t->name, st.name,
		       f == FSHIDE_SHOWN ? "visible to Windows" : "hidden",
		       f == FSHIDE_HIDDEN && st.windrbd ? " (WinDRBD's signature)" :
		       f == FSHIDE_HIDDEN ? " (udrbd's FAT signature)" : "");
	return f == FSHIDE_NOTHING ? 3 : 0;
}

static int fs_patch(struct fs_target *t, enum fs_op op, bool quiet)
{
	struct fshide_state st;
	int err = op == FS_HIDE ? fshide_hide(t->buf, &st) : fshide_show(t->buf, &st);

	if (err == -ENOENT) {
		fprintf(stderr, "udrbd: no known file system (NTFS, ReFS, FAT, exFAT) on %s, "
			"hidden or not: nothing to %s\n", t->name, op == FS_HIDE ? "hide" : "show");
		return 3;
	}
	if (err == -EALREADY) {
		fprintf(stderr, "udrbd: the %s file system on %s is already %s\n", st.name,
			t->name, op == FS_HIDE ? "hidden" : "visible to Windows");
		return 2;
	}
	if (fs_write(t))
		return 1;
	if (quiet)
		return 0;
	printf("%s file system on %s %s", st.name, t->name,
	       op == FS_HIDE ? "hidden from Windows" : "visible to Windows again");
	print_patch(&st, op == FS_HIDE);
	if (op == FS_HIDE)
		printf("Access its data through the DRBD device only; 'udrbd show-filesystem "
		       "%s' undoes this\nwhen the volume is no longer used as a backing "
		       "device.\n", t->name);
	return 0;
}

int udrbd_fs_main(int argc, char **argv);
int udrbd_fs_main(int argc, char **argv)
{
	struct fs_target t = { 0 };
	enum fs_op op;
	bool quiet = false;
	int i = 2, rc = 1;

	if (!strcmp(argv[1], "hide-filesystem"))
		op = FS_HIDE;
	else if (!strcmp(argv[1], "show-filesystem"))
		op = FS_SHOW;
	else
		op = FS_STATE;
	if (i < argc && !strcmp(argv[i], "-q")) {
		quiet = true;
		i++;
	}
	if (i + 1 != argc) {
		fprintf(stderr, "usage: udrbd %s [-q] DRIVE:|GUID|FILE\n", argv[1]);
		return 1;
	}
	t.name = argv[i];
	if (fs_open(&t, op != FS_STATE))
		goto out;
	rc = op == FS_STATE ? fs_state(&t, quiet) : fs_patch(&t, op, quiet);
out:
	fs_close(&t);
	return rc;
}
