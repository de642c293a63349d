/* core: the object model of the engine, after DRBD 9's own:
 *
 *   engine > resource (name, node id, role) > device (volume, minor, disk)
 *                     > connection (peer node id) > peer device (per volume)
 *
 * Connections arrive with the replication issue; the model already keys
 * bitmap slots by peer node id (meta data v09), so a two-node 8.4-dialect
 * connection is one connection of this model.
 *
 * Locking:
 *  - engine.lock (the state lock) protects the lists and every state field
 *    (roles, disk states, configuration). Control commands take it for the
 *    whole command; the snapshot for status/events2 is taken under it.
 *  - device.io_lock protects the in-flight count and the backing-device
 *    pointers as the I/O path sees them. Order: engine.lock, then io_lock.
 *    The I/O path never takes engine.lock.
 */
#ifndef UDRBD_CORE_ENGINE_H
#define UDRBD_CORE_ENGINE_H

#include "core/state.h"
#include "md/fshide.h"
#include "plat/plat.h"

#define RES_NAME_MAX 64
#define DRBD_NODE_ID_MAX 31
#define DRBD_MINOR_MAX 1048575u	/* MINORMASK of the kernel: 20 bits */
#define DRBD_VOLUME_MAX 65534u

struct md_dev;
struct nbd_server;
struct nbd_export;
struct engine;
struct connection;

enum on_io_error {
	EP_PASS_ON = 0,
	EP_CALL_HELPER,
	EP_DETACH,
};

/* DRBD's fault types (the kernel's enable_faults bit numbers). */
enum drbd_fault {
	DRBD_FAULT_MD_WR = 0,
	DRBD_FAULT_MD_RD = 1,
	DRBD_FAULT_RS_WR = 2,
	DRBD_FAULT_RS_RD = 3,
	DRBD_FAULT_DT_WR = 4,
	DRBD_FAULT_DT_RD = 5,
	DRBD_FAULT_DT_RA = 6,
};

struct disk_conf {
	enum on_io_error on_io_error;	/* default detach */
	uint32_t al_extents;		/* default 1237 */
	bool al_updates;
	bool md_flushes;
	bool disk_flushes;
	uint64_t size_sect;		/* user "size", 0 = all */
};

struct io_stats {
	uint64_t read_sect, written_sect;	/* drbdsetup read:/written: in KiB */
	uint64_t al_writes, bm_writes;
	uint32_t upper_pending, lower_pending;
};

struct device {
	struct resource *res;
	struct device *next;		/* in res->devices, by volume */
	unsigned volume;
	unsigned minor;

	enum drbd_disk_state disk;
	struct disk_conf conf;
	char *backing_path, *meta_path;
	int meta_index;			/* MD_IDX_* or >= 0 */
	struct plat_bdev *data, *meta;	/* meta == data for internal */
	struct md_dev *md;
	uint64_t size_sect;		/* exposed size */

	plat_mutex io_lock;
	plat_cond io_idle;
	uint32_t in_flight;		/* under io_lock */
	bool io_blocked;		/* under io_lock: no new I/O (detach) */
	struct io_stats stats;		/* under io_lock */
	bool failed_pending;		/* I/O error seen; worker detaches */
	bool local_io_error_due;	/* on-io-error call-local-io-error: the
					 * worker calls the handler first */
	/* Activity-log updates suspended (DRBD's drbd_try_suspend_al): every
	 * peer's bitmap slot is all out of sync, as after create-md, so a
	 * crash cannot lose track of anything; until a peer is first
	 * connected. Set under eng->lock, read by the I/O path. */
	bool al_suspended;
	/* A file system hidden on the backing device (core/io.c shows it to
	 * readers and hides what is written); under io_lock. */
	struct fshide_state fshide;

	struct nbd_export *exp;

	/* While a peer resyncs from us, a resync read and its send, and an
	 * application write and its send, exclude each other, so the wire
	 * order of a block's versions is their order on disk (core/resync.c). */
	plat_mutex rs_lock;
	int resync_source;		/* peers we are SyncSource for (eng->lock) */
	/* The in-core "crashed primary" of §1.6: the meta data said so at
	 * attach; cleared once both disks are UpToDate. Not the on-disk bit,
	 * which a Primary keeps set while it runs (eng->lock). */
	bool crashed_primary;
};

struct resource {
	struct engine *eng;
	struct resource *next;
	char name[RES_NAME_MAX];
	int node_id;
	enum drbd_role role;
	struct device *devices;
	struct connection *connections;	/* core/conn.h, by peer node id */
	/* Lets the I/O path walk connections without eng->lock: list
	 * changes and connection.io_ready/io_ref are made under it too. */
	plat_mutex peers_lock;
	/* drbdsetup suspend-io (core/suspend.c): new application I/O waits.
	 * Written under eng->lock, read atomically by the I/O path. */
	bool susp_user;
};

struct engine {
	plat_mutex lock;
	struct resource *resources;
	struct nbd_server *nbd;

	/* Fault injection, as DRBD's enable_faults/fault_rate/fault_devs
	 * module parameters: a mask of enum drbd_fault bits, a percentage,
	 * and a mask of minors (0 = all). Read racily by the I/O path. */
	uint32_t fault_mask;
	uint32_t fault_rate;
	uint64_t fault_devs;
	/* Hide file systems written to backing devices (md/fshide.h):
	 * plat_os_mounts_volumes() unless udrbdd is told otherwise. */
	bool hide_filesystems;
	uint64_t faults_injected;

	/* events2: every state change bumps state_gen and wakes listeners,
	 * which diff snapshots (ctl/). Under lock. */
	uint64_t state_gen;
	plat_cond state_changed;
	struct plat_thread *worker;
	plat_cond worker_wake;
	bool stopping;
};

int engine_init(struct engine *eng);
/* Takes every resource down (detach writes meta data) and frees. */
void engine_fini(struct engine *eng);

/* Lookups, under eng->lock. */
struct resource *engine_find_resource(struct engine *eng, const char *name);
struct device *engine_find_minor(struct engine *eng, unsigned minor);
struct device *resource_find_volume(struct resource *res, unsigned volume);

/* Call under eng->lock after any change that status/events2 shows. */
void engine_state_changed(struct engine *eng);

/* Asks the worker thread to look at devices with failed_pending. */
void engine_kick_worker(struct engine *eng);

/* Fault injection check for one I/O of the given type on dev. */
bool engine_should_fault(struct engine *eng, const struct device *dev,
			 enum drbd_fault type);

#endif
