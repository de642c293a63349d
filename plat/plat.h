/* plat: the only layer that knows the operating system.
 *
 * Everything above (md/, wire/, core/, front/, ctl/, cmd/) calls these
 * functions and never an OS API directly; plat/posix/ and plat/win32/
 * implement them. Errors are negative errno-style codes (-ENOENT, -EIO, ...)
 * on both targets; Win32 errors are mapped in plat/win32/.
 */
#ifndef UDRBD_PLAT_H
#define UDRBD_PLAT_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef _WIN32
#include <pthread.h>
#endif

/* errno codes mingw's errno.h lacks; values do not matter beyond uniqueness. */
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 95
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT 110
#endif
#ifndef ECONNRESET
#define ECONNRESET 104
#endif
#ifndef EPROTO
#define EPROTO 71
#endif
#ifndef EMSGSIZE
#define EMSGSIZE 90
#endif
#ifndef ENOTCONN
#define ENOTCONN 107
#endif
#ifndef ECONNREFUSED
#define ECONNREFUSED 111
#endif
#ifndef EADDRINUSE
#define EADDRINUSE 98
#endif
#ifndef ESHUTDOWN
#define ESHUTDOWN 108
#endif

/* printf-style checking for functions that format with vsnprintf: mingw's
 * C99 stdio (__USE_MINGW_ANSI_STDIO) takes GNU formats such as %zu, but
 * plain "printf" would check against msvcrt's. */
#ifdef __MINGW32__
#define PLAT_PRINTF(fmt, first) __attribute__((format(gnu_printf, fmt, first)))
#else
#define PLAT_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#endif

/* Process start: sockets (WSAStartup), console, default log target.
 * Call it once before anything else in plat; later calls do nothing. */
int plat_init(void);
/* Whether the OS mounts any file system it finds on a disk by itself
 * (Windows does): then a backing device's file system must stay hidden
 * (md/fshide.h). */
bool plat_os_mounts_volumes(void);

/* This machine's host name (DNS host name on Windows), as DRBD's
 * "on <host>" sections name it. */
int plat_hostname(char *buf, size_t len);
uint32_t plat_pid(void);

/* ---- logging (plat/log.c) ---------------------------------------------- */

enum plat_log_level {
	PLAT_LOG_ERR = 3,
	PLAT_LOG_WARNING = 4,
	PLAT_LOG_NOTICE = 5,
	PLAT_LOG_INFO = 6,
	PLAT_LOG_DEBUG = 7,
};

void plat_log(int level, const char *fmt, ...) PLAT_PRINTF(2, 3);
void plat_vlog(int level, const char *fmt, va_list ap);
void plat_log_set_level(int max_level);
void plat_log_set_ident(const char *ident);
/* Also send every message as RFC 5424 syslog over UDP to host:port. */
int plat_log_syslog_udp(const char *host, uint16_t port);
/* Also append every message to a file. */
int plat_log_file(const char *path);
/* Windows: also report messages up to max_level (negative: none) to the
 * Event Log, source "udrbd"; -EOPNOTSUPP elsewhere. */
int plat_log_eventlog(int max_level);
/* Logging settings of the platform's configuration store. Windows: the
 * registry values "syslog_ip" (HOST or HOST:PORT) and "event_log_level"
 * (DWORD) under HKLM\SYSTEM\CurrentControlSet\Services\udrbd, else under
 * WinDRBD's service key (windrbd-facts.md §1.6). -ENOENT when unset, and
 * always on POSIX. */
int plat_log_config_syslog(char *host, size_t len);
int plat_log_config_eventlog_level(int *level);

#define plat_err(...) plat_log(PLAT_LOG_ERR, __VA_ARGS__)
#define plat_warn(...) plat_log(PLAT_LOG_WARNING, __VA_ARGS__)
#define plat_notice(...) plat_log(PLAT_LOG_NOTICE, __VA_ARGS__)
#define plat_info(...) plat_log(PLAT_LOG_INFO, __VA_ARGS__)
#define plat_dbg(...) plat_log(PLAT_LOG_DEBUG, __VA_ARGS__)

/* strerror for our negative codes, thread-safe, never NULL. */
const char *plat_strerror(int neg_err);

/* ---- block devices and files (plat/<os>/bdev.c) ------------------------- */

enum {
	PLAT_BDEV_RDONLY = 1 << 0,
	/* Unbuffered and write-through: O_DIRECT|O_DSYNC / NO_BUFFERING|WRITE_THROUGH.
	 * Callers then use 4096-aligned buffers, offsets and lengths. */
	PLAT_BDEV_DIRECT = 1 << 1,
	/* Exclusive: O_EXCL on block devices; no sharing on Windows. */
	PLAT_BDEV_EXCL = 1 << 2,
	/* Create a regular file if missing (tests and tools only). */
	PLAT_BDEV_CREATE = 1 << 3,
};

struct plat_bdev;

/* Opens a file or a block device. Windows: files, "F:", "\\?\Volume{GUID}",
 * "\\.\PhysicalDriveN". */
int plat_bdev_open(const char *path, unsigned flags, struct plat_bdev **out);
void plat_bdev_close(struct plat_bdev *b);
const char *plat_bdev_path(const struct plat_bdev *b);
/* Size in bytes (files: st_size; devices: the device's length). */
int plat_bdev_size(struct plat_bdev *b, uint64_t *bytes);
/* Whole-buffer I/O: 0, or a negative code; a read past the end is -EIO. */
int plat_bdev_pread(struct plat_bdev *b, void *buf, size_t len, uint64_t off);
int plat_bdev_pwrite(struct plat_bdev *b, const void *buf, size_t len, uint64_t off);
int plat_bdev_flush(struct plat_bdev *b);
/* Deallocate a range; -EOPNOTSUPP where the file system or device cannot. */
int plat_bdev_discard(struct plat_bdev *b, uint64_t off, uint64_t len);
/* Resize a regular file (tests and tools). */
int plat_bdev_truncate(struct plat_bdev *b, uint64_t bytes);
bool plat_bdev_is_blockdev(const struct plat_bdev *b);

/* 4096-aligned allocation for direct I/O; free with plat_free_aligned. */
void *plat_alloc_aligned(size_t len);
void plat_free_aligned(void *p);

/* ---- threads and locks (plat/<os>/thread.c) ----------------------------- */

#ifdef _WIN32
/* The size and alignment of SRWLOCK and CONDITION_VARIABLE (one pointer),
 * so this header needs no <windows.h>: its macros (NO_ERROR, ERROR,
 * DELETE, IN, OUT, ...) would clash with DRBD's names above plat/. */
typedef struct { void *opaque; } plat_mutex;
typedef struct { void *opaque; } plat_cond;
#else
typedef struct { pthread_mutex_t m; } plat_mutex;
typedef struct { pthread_cond_t c; } plat_cond;
#endif

struct plat_thread;

int plat_thread_start(struct plat_thread **out, void *(*fn)(void *), void *arg,
		      const char *name);
/* Waits for the thread and frees it; returns fn's result through *ret if set. */
int plat_thread_join(struct plat_thread *t, void **ret);
/* Lets the thread end on its own (no join) and frees the handle. */
void plat_thread_detach(struct plat_thread *t);

void plat_mutex_init(plat_mutex *m);
void plat_mutex_destroy(plat_mutex *m);
void plat_mutex_lock(plat_mutex *m);
void plat_mutex_unlock(plat_mutex *m);

void plat_cond_init(plat_cond *c);
void plat_cond_destroy(plat_cond *c);
void plat_cond_wait(plat_cond *c, plat_mutex *m);
/* 0, or -ETIMEDOUT after timeout_ms. */
int plat_cond_timedwait(plat_cond *c, plat_mutex *m, uint32_t timeout_ms);
void plat_cond_signal(plat_cond *c);
void plat_cond_broadcast(plat_cond *c);

/* ---- files and processes (plat/<os>/proc.c) ----------------------------- */

/* The paths matching a shell pattern (wildcards: POSIX glob; Windows:
 * in the last component only), sorted. 0 with *n == 0 when nothing
 * matches. Free with plat_glob_free. */
int plat_glob(const char *pattern, char ***paths, size_t *n);
void plat_glob_free(char **paths, size_t n);
/* Runs argv[0] (searched in PATH when it has no directory) with argv and
 * waits: 0 and *exit_code, or a negative code if it could not start.
 * quiet: the child's stderr goes nowhere (a probe whose failure is
 * expected). */
int plat_spawn_wait(char *const argv[], bool quiet, int *exit_code);
/* The same with the child's stdout collected into a malloc'ed,
 * NUL-terminated *out (stderr goes nowhere). */
int plat_spawn_capture(char *const argv[], char **out, size_t *len, int *exit_code);
/* Runs argv[0] (searched in PATH when it has no directory) with argv and
 * the variables envp ("NAME=value", NULL-terminated) and waits: 0 and
 * *exit_code, or a negative code if it could not start. What envp is
 * added to is the OS's environment of a helper: on POSIX the one Linux
 * gives its usermode helpers (HOME=/, TERM=linux,
 * PATH=/sbin:/usr/sbin:/bin:/usr/bin) and nothing of udrbdd's; on
 * Windows udrbdd's own (plat/<os>/spawn_env.c; DRBD's usermode helper,
 * core/handler.c). */
int plat_spawn_env(char *const argv[], char *const envp[], int *exit_code);

/* ---- time and randomness (plat/<os>/clock.c) ---------------------------- */

/* Monotonic nanoseconds; only differences mean anything. */
uint64_t plat_now_ns(void);
void plat_sleep_ms(uint32_t ms);

struct plat_walltime {
	int64_t sec;		/* seconds since 1970-01-01 UTC */
	uint32_t usec;
	int32_t utc_offset_min; /* local time zone's offset, for events2 stamps */
};
void plat_walltime(struct plat_walltime *t);

/* Cryptographically strong random bytes (getrandom / BCryptGenRandom). */
int plat_random_bytes(void *buf, size_t len);

/* ---- sockets (plat/<os>/sock.c) ----------------------------------------- */

#ifdef _WIN32
typedef uintptr_t plat_sock; /* a SOCKET */
#define PLAT_SOCK_INVALID (~(plat_sock)0)
#else
typedef int plat_sock;
#define PLAT_SOCK_INVALID (-1)
#endif

/* host is a literal address or name; "" or NULL means any. */
int plat_sock_listen_tcp(const char *host, uint16_t port, int backlog, plat_sock *out);
/* Unix-domain stream socket, created with mode (e.g. 0600); replaces a stale one. */
int plat_sock_listen_unix(const char *path, unsigned mode, plat_sock *out);
int plat_sock_accept(plat_sock l, plat_sock *out);
int plat_sock_connect_tcp(const char *host, uint16_t port, uint32_t timeout_ms,
			  plat_sock *out);
int plat_sock_connect_unix(const char *path, plat_sock *out);
/* Port actually bound (for port 0 in tests). */
int plat_sock_local_port(plat_sock s, uint16_t *port);
void plat_sock_close(plat_sock s);
/* Wakes a thread blocked in recv/accept on s (shutdown both ways). */
void plat_sock_shutdown(plat_sock s);
/* All bytes or an error; -ECONNRESET when the peer closed. */
int plat_sock_send_all(plat_sock s, const void *buf, size_t len);
/* The same, saying more follows at once (a packet header before its data). */
int plat_sock_send_more(plat_sock s, const void *buf, size_t len);
int plat_sock_recv_all(plat_sock s, void *buf, size_t len);
/* Up to len bytes: >0 bytes, 0 on orderly close, or a negative code. */
long plat_sock_recv_some(plat_sock s, void *buf, size_t len);
/* True when the peer has closed (or reset) the connection; data still
 * to be read is not consumed. */
bool plat_sock_peer_closed(plat_sock s);
/* Waits until readable: 1 readable, 0 timeout, negative error. */
int plat_sock_wait_readable(plat_sock s, int timeout_ms);
int plat_sock_set_nodelay(plat_sock s, bool on);
int plat_sock_set_bufsizes(plat_sock s, int sndbuf, int rcvbuf);
/* Peer credentials on a Unix socket: 0 and *uid when known. */
int plat_sock_peer_uid(plat_sock s, uint32_t *uid);

/* UDP (syslog and tests): a socket bound to host:port (port 0: any free
 * port), or one whose datagrams all go to host:port. Receive with
 * plat_sock_recv_some (one datagram per call). */
int plat_udp_bind(const char *host, uint16_t port, plat_sock *out);
int plat_udp_connect(const char *host, uint16_t port, plat_sock *out);
/* One datagram on a connected UDP socket; -EMSGSIZE if it went short. */
int plat_udp_send(plat_sock s, const void *buf, size_t len);

/* ---- control channel endpoint (plat/<os>/chan.c) ----------------------
 * Linux: Unix socket (0600, root only); Windows: the named pipe
 * \\.\pipe\udrbd with an ACL for Administrators and SYSTEM. A byte
 * stream on both; after plat_chan_shutdown, reads return 0 and accept
 * fails. */
#ifdef _WIN32
/* The pipe's security descriptor (SDDL), one place to audit it. */
extern const wchar_t plat_chan_sddl[];
#endif

struct plat_chan;

int plat_chan_listen(const char *path, struct plat_chan **out);
/* Blocks until a client connects; the returned channel carries one client. */
int plat_chan_accept(struct plat_chan *l, struct plat_chan **out);
int plat_chan_connect(const char *path, struct plat_chan **out);
int plat_chan_write(struct plat_chan *c, const void *buf, size_t len);
/* >0 bytes, 0 at end of stream, negative error. */
long plat_chan_read(struct plat_chan *c, void *buf, size_t len);
/* Unblocks a pending accept/read from another thread. */
void plat_chan_shutdown(struct plat_chan *c);
void plat_chan_close(struct plat_chan *c);
/* Default control path of this platform. */
const char *plat_chan_default_path(void);

/* True when the client on c may run every command; false when it may
 * only read (status, events2, show). Windows: the client's token holds
 * Administrators or is SYSTEM; POSIX: always (the 0600 socket admitted
 * only the daemon's own user). */
bool plat_chan_peer_admin(const struct plat_chan *c);

/* ---- services and paths (plat/<os>/service.c, svcctl.c, paths.c) -------
 * Windows services through the service control manager; on POSIX a
 * supervisor (systemd) runs udrbdd in the foreground, and these return
 * -EOPNOTSUPP (dispatch: -ENOTCONN). */

/* SCM states (the values of Windows' SERVICE_* states). */
enum plat_service_state {
	PLAT_SERVICE_STOPPED = 1,
	PLAT_SERVICE_START_PENDING = 2,
	PLAT_SERVICE_STOP_PENDING = 3,
	PLAT_SERVICE_RUNNING = 4,
};

/* Runs run(arg) as the service name: start pending until
 * plat_service_running(), stop pending from a stop or shutdown request
 * (on_stop is then called, on another thread, and must only ask run to
 * return), stopped with run's result as exit code. Returns when the
 * service has stopped; -ENOTCONN when no service manager started us. */
int plat_service_dispatch(const char *name, int (*run)(void *), void *arg,
			  void (*on_stop)(void));
/* Tells the service manager the service is up; nothing outside one. */
void plat_service_running(void);
/* Registers an automatically started service running cmdline (the
 * executable's path quoted when it has spaces): -EEXIST if it exists. */
int plat_service_install(const char *name, const char *display, const char *cmdline);
/* -ENOENT when there is no such service. */
int plat_service_uninstall(const char *name);
/* Start or stop and wait up to timeout_ms for RUNNING or STOPPED; a
 * start that ends in STOPPED is -EIO. */
int plat_service_start(const char *name, uint32_t timeout_ms);
int plat_service_stop(const char *name, uint32_t timeout_ms);
int plat_service_state(const char *name, int *state);
/* The directory of the running executable. */
int plat_exe_dir(char *buf, size_t len);

/* Where drbd.conf lives: /etc on POSIX; <root>\etc on Windows, <root>
 * being WinDRBD's layout (windrbd-facts.md §1.4): %UDRBD_ROOT%, else the
 * registry (plat/win32/paths.c), else C:\windrbd. */
const char *plat_config_root(void);
/* The root itself ("/" on POSIX), and a POSIX-style absolute path (as
 * WinDRBD's Cygwin tools and drbd.conf files write them, "/etc/drbd.d")
 * under it: "C:\windrbd\etc\drbd.d"; other paths are copied. */
const char *plat_root_dir(void);
int plat_root_path(const char *posix_path, char *out, size_t len);
/* dir added at the end of a ';'-separated list (unless there already, in
 * any case and with or without a trailing backslash) or every copy of it
 * removed: 1 when out differs from list, 0 when it is list unchanged,
 * -ENAMETOOLONG when out is too small. Pure (plat/pathlist.c). */
int plat_pathlist_edit(const char *list, const char *dir, bool add, char *out, size_t len);
/* The same applied to the machine-wide PATH (Windows: the registry's
 * Session Manager\Environment Path, then WM_SETTINGCHANGE); -EOPNOTSUPP
 * elsewhere. Needs administrator rights. */
int plat_system_path_edit(const char *dir, bool add);

/* ---- checksums and crypto (plat/crc32c.c, plat/crypto.c) ---------------- */

/* Raw CRC-32C (Castagnoli, reflected): no pre- or post-inversion, so
 * DRBD's AL checksum is plat_crc32c(0, block, 4096) (reference
 * drbd-metadata-resync.md §3.5) and the standard one is
 * ~plat_crc32c(~0u, buf, len). SSE4.2 when the CPU has it. */
uint32_t plat_crc32c(uint32_t crc, const void *buf, size_t len);

enum plat_hash_alg {
	PLAT_HASH_NONE = 0,
	PLAT_HASH_MD5,
	PLAT_HASH_SHA1,
	PLAT_HASH_SHA256,
	PLAT_HASH_CRC32C,
};
#define PLAT_HASH_MAX_LEN 64

/* Maps DRBD's algorithm names ("md5", "sha1", "sha256", "crc32c", and the
 * kernel's "hmac(sha1)" forms); PLAT_HASH_NONE when unknown. */
enum plat_hash_alg plat_hash_by_name(const char *name);
size_t plat_hash_len(enum plat_hash_alg alg);
int plat_hash(enum plat_hash_alg alg, const void *buf, size_t len, uint8_t *out);
int plat_hmac(enum plat_hash_alg alg, const void *key, size_t key_len,
	      const void *buf, size_t len, uint8_t *out);

#endif
