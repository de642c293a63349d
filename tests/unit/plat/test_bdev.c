/* plat_bdev on a regular file: the calls md/ and core/ make on disks. */
#include "tests/unit/plat/plat_test.h"
#include "tests/tap.h"

static struct plat_bdev *open_tmp(char *path, size_t len, unsigned flags)
{
	struct plat_bdev *b = NULL;

	test_tmp_path(path, len, "bdev");
	TAP_EQ(plat_bdev_open(path, flags | PLAT_BDEV_CREATE, &b), 0);
	return b;
}

TAP_TEST(missing_file_is_enoent)
{
	struct plat_bdev *b = NULL;
	char path[512];

	test_tmp_path(path, sizeof(path), "missing");
	TAP_EQ(plat_bdev_open(path, 0, &b), -ENOENT);
}

TAP_TEST(character_device_is_refused)
{
	struct plat_bdev *b = NULL;
#ifdef _WIN32
	const char *null_dev = "NUL";
#else
	const char *null_dev = "/dev/null";
#endif

	TAP_EQ(plat_bdev_open(null_dev, PLAT_BDEV_RDONLY, &b), -ENODEV);
}

TAP_TEST(size_write_read_flush)
{
	struct plat_bdev *b;
	uint8_t w[8192], r[8192];
	uint64_t size = 1;
	char path[512];

	b = open_tmp(path, sizeof(path), 0);
	if (!b)
		return;
	TAP_STREQ(plat_bdev_path(b), path);
	TAP_OK(!plat_bdev_is_blockdev(b), "a file is no block device");
	TAP_EQ(plat_bdev_size(b, &size), 0);
	TAP_EQ_U64(size, 0);
	TAP_EQ(plat_bdev_truncate(b, 1 << 20), 0);
	TAP_EQ(plat_bdev_size(b, &size), 0);
	TAP_EQ_U64(size, 1 << 20);
	for (size_t i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i * 7 + 1);
	TAP_EQ(plat_bdev_pwrite(b, w, sizeof(w), 4096 * 5), 0);
	TAP_EQ(plat_bdev_flush(b), 0);
	TAP_EQ(plat_bdev_pread(b, r, sizeof(r), 4096 * 5), 0);
	TAP_MEMEQ(r, w, sizeof(w));
	/* The file stays at its size; the write was inside it. */
	TAP_EQ(plat_bdev_size(b, &size), 0);
	TAP_EQ_U64(size, 1 << 20);
	plat_bdev_close(b);
	remove(path);
}

TAP_TEST(read_past_end_fails)
{
	struct plat_bdev *b;
	uint8_t buf[4096];
	char path[512];

	b = open_tmp(path, sizeof(path), 0);
	if (!b)
		return;
	TAP_EQ(plat_bdev_truncate(b, 6144), 0);
	TAP_EQ(plat_bdev_pread(b, buf, sizeof(buf), 4096), -EIO);
	TAP_EQ(plat_bdev_pread(b, buf, sizeof(buf), 1 << 20), -EIO);
	TAP_EQ(plat_bdev_pread(b, buf, 2048, 4096), 0);
	plat_bdev_close(b);
	remove(path);
}

TAP_TEST(discard_zeroes_or_is_unsupported)
{
	uint8_t w[3 * 4096], r[4096], zero[4096] = { 0 };
	struct plat_bdev *b;
	char path[512];
	int rc;

	b = open_tmp(path, sizeof(path), 0);
	if (!b)
		return;
	memset(w, 0xa5, sizeof(w));
	TAP_EQ(plat_bdev_pwrite(b, w, sizeof(w), 0), 0);
	rc = plat_bdev_discard(b, 4096, 4096);
	TAP_OK(rc == 0 || rc == -EOPNOTSUPP, "discard: %s", plat_strerror(rc));
	TAP_EQ(plat_bdev_pread(b, r, sizeof(r), 4096), 0);
	if (rc == 0)
		TAP_MEMEQ(r, zero, sizeof(r));
	else
		TAP_MEMEQ(r, w, sizeof(r));
	/* Neighbours keep their data either way. */
	TAP_EQ(plat_bdev_pread(b, r, sizeof(r), 8192), 0);
	TAP_MEMEQ(r, w, sizeof(r));
	plat_bdev_close(b);
	remove(path);
}

TAP_TEST(direct_io_with_aligned_buffers)
{
	struct plat_bdev *b;
	uint8_t *w = plat_alloc_aligned(8192), *r = plat_alloc_aligned(8192);
	char path[512];

	TAP_OK(w && r, "aligned allocation");
	TAP_EQ((uintptr_t)w % 4096, 0);
	b = open_tmp(path, sizeof(path), PLAT_BDEV_DIRECT);
	if (b && w && r) {
		memset(w, 0x3c, 8192);
		TAP_EQ(plat_bdev_truncate(b, 16384), 0);
		TAP_EQ(plat_bdev_pwrite(b, w, 8192, 4096), 0);
		TAP_EQ(plat_bdev_pread(b, r, 8192, 4096), 0);
		TAP_MEMEQ(r, w, 8192);
	}
	plat_bdev_close(b);
	remove(path);
	plat_free_aligned(w);
	plat_free_aligned(r);
}

TAP_TEST(readonly_refuses_writes)
{
	struct plat_bdev *b, *ro = NULL;
	uint8_t buf[512] = { 1 };
	char path[512];

	b = open_tmp(path, sizeof(path), 0);
	if (!b)
		return;
	plat_bdev_close(b);
	TAP_EQ(plat_bdev_open(path, PLAT_BDEV_RDONLY, &ro), 0);
	if (ro)
		TAP_OK(plat_bdev_pwrite(ro, buf, sizeof(buf), 0) < 0, "write on read-only");
	plat_bdev_close(ro);
	remove(path);
}

int main(void)
{
	plat_init();
	return tap_run();
}
