/* Block devices and regular files on POSIX. */
#include "plat/plat.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/falloc.h>
#include <linux/fs.h>
#endif

struct plat_bdev {
	int fd;
	bool blockdev;
	char *path;
};

int plat_bdev_open(const char *path, unsigned flags, struct plat_bdev **out)
{
	struct plat_bdev *b = NULL;
	struct stat st;
	int oflags = (flags & PLAT_BDEV_RDONLY) ? O_RDONLY : O_RDWR;
	int fd = -1, err;

	oflags |= O_CLOEXEC;
	if (flags & PLAT_BDEV_DIRECT)
		oflags |= O_DIRECT | O_DSYNC;
	if (flags & PLAT_BDEV_CREATE)
		oflags |= O_CREAT;
	fd = open(path, oflags, 0600);
	if (fd < 0 && errno == EINVAL && (flags & PLAT_BDEV_DIRECT)) {
		/* tmpfs and some FUSE mounts refuse O_DIRECT: fall back to
		 * O_DSYNC, which keeps the write-through promise. */
		fd = open(path, oflags & ~O_DIRECT, 0600);
	}
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		err = -ENODEV;
		goto fail;
	}
	if (S_ISBLK(st.st_mode) && (flags & PLAT_BDEV_EXCL)) {
		/* O_EXCL on a block device claims it against mounts and
		 * other exclusive openers. */
		int fd2 = open(path, oflags | O_EXCL);
		if (fd2 < 0) {
			err = -errno;
			goto fail;
		}
		close(fd);
		fd = fd2;
	}
	b = calloc(1, sizeof(*b));
	if (!b || !(b->path = strdup(path))) {
		free(b);
		err = -ENOMEM;
		goto fail;
	}
	b->fd = fd;
	b->blockdev = S_ISBLK(st.st_mode);
	*out = b;
	return 0;
fail:
	close(fd);
	return err;
}

void plat_bdev_close(struct plat_bdev *b)
{
	if (!b)
		return;
	close(b->fd);
	free(b->path);
	free(b);
}

const char *plat_bdev_path(const struct plat_bdev *b)
{
	return b->path;
}

bool plat_bdev_is_blockdev(const struct plat_bdev *b)
{
	return b->blockdev;
}

int plat_bdev_size(struct plat_bdev *b, uint64_t *bytes)
{
	struct stat st;

	if (b->blockdev) {
#ifdef BLKGETSIZE64
		if (ioctl(b->fd, BLKGETSIZE64, bytes) < 0)
			return -errno;
		return 0;
#else
		off_t end = lseek(b->fd, 0, SEEK_END);
		if (end < 0)
			return -errno;
		*bytes = (uint64_t)end;
		return 0;
#endif
	}
	if (fstat(b->fd, &st) < 0)
		return -errno;
	*bytes = (uint64_t)st.st_size;
	return 0;
}

int plat_bdev_pread(struct plat_bdev *b, void *buf, size_t len, uint64_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(b->fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO; /* past the end */
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int plat_bdev_pwrite(struct plat_bdev *b, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(b->fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENOSPC;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int plat_bdev_flush(struct plat_bdev *b)
{
	return fdatasync(b->fd) < 0 ? -errno : 0;
}

int plat_bdev_discard(struct plat_bdev *b, uint64_t off, uint64_t len)
{
#ifdef __linux__
	if (b->blockdev) {
		uint64_t range[2] = { off, len };
		return ioctl(b->fd, BLKDISCARD, range) < 0 ? -errno : 0;
	}
	if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)off, (off_t)len) < 0)
		return errno == ENOTSUP ? -EOPNOTSUPP : -errno;
	return 0;
#else
	(void)b; (void)off; (void)len;
	return -EOPNOTSUPP;
#endif
}

int plat_bdev_truncate(struct plat_bdev *b, uint64_t bytes)
{
	if (b->blockdev)
		return -EINVAL;
	return ftruncate(b->fd, (off_t)bytes) < 0 ? -errno : 0;
}

void *plat_alloc_aligned(size_t len)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, len ? len : 4096) != 0)
		return NULL;
	return p;
}

void plat_free_aligned(void *p)
{
	free(p);
}
