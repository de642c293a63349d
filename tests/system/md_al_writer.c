/* Test helper: attaches meta data through md_attach like the engine,
 * marks the node Primary, makes extents hot (with evictions) and exits
 * WITHOUT detaching, leaving an AL for apply-al to replay.
 *   md_al_writer FILE NODE_ID AL_EXTENTS EXTENT...
 * Each EXTENT (4 MiB unit) gets one begin/complete write. */
#include <stdio.h>
#include <stdlib.h>

#include "md/md.h"
#include "plat/plat.h"

int main(int argc, char **argv)
{
	struct md_attach_opts o;
	struct plat_bdev *b;
	struct md_dev *md;
	char err[256];
	int r;

	if (argc < 4) {
		fprintf(stderr, "usage: %s FILE NODE_ID AL_EXTENTS EXTENT...\n", argv[0]);
		return 2;
	}
	plat_init();
	r = plat_bdev_open(argv[1], 0, &b);
	if (r) {
		fprintf(stderr, "%s: %s\n", argv[1], plat_strerror(r));
		return 1;
	}
	md_attach_opts_default(&o);
	o.node_id = atoi(argv[2]);
	o.al_extents = (uint32_t)atoi(argv[3]);
	o.test_only_small_al = true;
	r = md_attach(b, b, &o, &md, err, sizeof(err));
	if (r) {
		fprintf(stderr, "attach: %s\n", err);
		return 1;
	}
	md_sb(md)->flags |= MDF_PRIMARY_IND | MDF_CONSISTENT;
	md_sb(md)->effective_size = md_usable_sectors(md);
	r = md_sb_write(md);
	for (int i = 4; i < argc && !r; i++) {
		uint64_t sector = strtoull(argv[i], NULL, 0) << AL_EXTENT_SECT_SHIFT;

		r = md_al_begin_write(md, sector, 4096);
		if (!r)
			md_al_complete_write(md, sector, 4096);
	}
	printf("al-writes %llu\n", (unsigned long long)md_al_writes(md));
	/* no md_detach and no exit handlers (a leak check would object to
	 * the md_dev): simulate a crash of a Primary */
	fflush(stdout);
	_Exit(r ? 1 : 0);
}
