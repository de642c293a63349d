/* The control channel: a Unix socket on Linux, a named pipe on Windows. */
#include "tests/unit/plat/plat_test.h"
#include "tests/tap.h"

#ifdef _WIN32
#include <windows.h>
#include <sddl.h>
#else
#include <sys/stat.h>
#endif

static void chan_path(char *buf, size_t len)
{
#ifdef _WIN32
	static unsigned seq;

	snprintf(buf, len, "\\\\.\\pipe\\udrbd-test-%u-%u", plat_pid(), seq++);
#else
	test_tmp_path(buf, len, "chan");
#endif
}

struct server {
	struct plat_chan *l;
	int accept_err;
	char got[16];
};

/* Accepts one client, reads 4 bytes, answers "pong". */
static void *serve_one(void *arg)
{
	struct server *s = arg;
	struct plat_chan *c;
	size_t n = 0;

	s->accept_err = plat_chan_accept(s->l, &c);
	if (s->accept_err)
		return NULL;
	while (n < 4) {
		long r = plat_chan_read(c, s->got + n, 4 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	plat_chan_write(c, "pong", 4);
	plat_chan_close(c);
	return NULL;
}

static int client_exchange(const char *path, char *reply)
{
	struct plat_chan *c;
	size_t n = 0;
	long r = 0;
	int err;

	err = plat_chan_connect(path, &c);
	if (err)
		return err;
	err = plat_chan_write(c, "ping", 4);
	while (!err && n < 4 && (r = plat_chan_read(c, reply + n, 4 - n)) > 0)
		n += (size_t)r;
	/* After the server closed: end of stream. */
	if (!err)
		err = plat_chan_read(c, reply + 4, 1) == 0 ? 0 : -EPROTO;
	plat_chan_close(c);
	return err;
}

TAP_TEST(connect_and_exchange_twice)
{
	struct plat_thread *t;
	struct server s = { 0 };
	char path[512], reply[8];

	chan_path(path, sizeof(path));
	TAP_EQ(plat_chan_listen(path, &s.l), 0);
	if (!s.l)
		return;
	/* Two clients in turn: each gets a pipe instance of its own. */
	for (int i = 0; i < 2; i++) {
		memset(&s.got, 0, sizeof(s.got));
		memset(reply, 0, sizeof(reply));
		TAP_EQ(plat_thread_start(&t, serve_one, &s, "chan"), 0);
		TAP_EQ(client_exchange(path, reply), 0);
		TAP_EQ(plat_thread_join(t, NULL), 0);
		TAP_EQ(s.accept_err, 0);
		TAP_MEMEQ(s.got, "ping", 4);
		TAP_MEMEQ(reply, "pong", 4);
	}
	plat_chan_close(s.l);
}

TAP_TEST(connect_without_listener_fails)
{
	struct plat_chan *c;
	char path[512];

	chan_path(path, sizeof(path));
	TAP_EQ(plat_chan_connect(path, &c), -ENOENT);
}

TAP_TEST(second_listener_is_refused)
{
	struct plat_chan *a = NULL, *b = NULL;
	char path[512];

	chan_path(path, sizeof(path));
	TAP_EQ(plat_chan_listen(path, &a), 0);
	TAP_EQ(plat_chan_listen(path, &b), -EADDRINUSE);
	plat_chan_close(a);
}

static void *accept_fails(void *arg)
{
	struct server *s = arg;
	struct plat_chan *c;

	s->accept_err = plat_chan_accept(s->l, &c);
	if (!s->accept_err)
		plat_chan_close(c);
	return NULL;
}

TAP_TEST(shutdown_wakes_accept)
{
	struct plat_thread *t;
	struct server s = { 0 };
	char path[512];

	chan_path(path, sizeof(path));
	TAP_EQ(plat_chan_listen(path, &s.l), 0);
	if (!s.l)
		return;
	TAP_EQ(plat_thread_start(&t, accept_fails, &s, "accept"), 0);
	plat_sleep_ms(50);
	plat_chan_shutdown(s.l);
	TAP_EQ(plat_thread_join(t, NULL), 0);
	TAP_OK(s.accept_err < 0, "accept returned %d", s.accept_err);
	plat_chan_close(s.l);
}

static void *read_one(void *arg)
{
	char c;

	return (void *)(intptr_t)plat_chan_read(arg, &c, 1);
}

static void *connect_and_wait(void *arg)
{
	struct plat_chan *c;
	char b;

	/* Stays connected until the server closes its end. */
	if (plat_chan_connect(arg, &c) == 0) {
		plat_chan_read(c, &b, 1);
		plat_chan_close(c);
	}
	return NULL;
}

TAP_TEST(shutdown_wakes_read)
{
	struct plat_thread *client, *reader;
	struct plat_chan *l = NULL, *c = NULL;
	void *ret = (void *)1;
	char path[512];

	chan_path(path, sizeof(path));
	TAP_EQ(plat_chan_listen(path, &l), 0);
	if (!l)
		return;
	TAP_EQ(plat_thread_start(&client, connect_and_wait, path, "client"), 0);
	TAP_EQ(plat_chan_accept(l, &c), 0);
	if (c) {
		TAP_EQ(plat_thread_start(&reader, read_one, c, "reader"), 0);
		plat_sleep_ms(50);
		plat_chan_shutdown(c);
		TAP_EQ(plat_thread_join(reader, &ret), 0);
		TAP_EQ((intptr_t)ret, 0);
		plat_chan_close(c);
	}
	TAP_EQ(plat_thread_join(client, NULL), 0);
	plat_chan_close(l);
}

#ifdef _WIN32
int plat_win32_chan_sd(PSECURITY_DESCRIPTOR *sd);

static bool ace_is(ACL *acl, DWORD i, WELL_KNOWN_SID_TYPE who)
{
	ACCESS_ALLOWED_ACE *ace;

	if (!GetAce(acl, i, (void **)&ace))
		return false;
	return ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE &&
	       ace->Mask == GENERIC_ALL &&
	       IsWellKnownSid((PSID)&ace->SidStart, who);
}

/* The pipe's ACL, parsed back: SYSTEM and Administrators in full (the
 * read-only third ACE for everyone else: test_chan_acl.c). */
TAP_TEST(access_is_admins_and_system)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	BOOL present = FALSE, defaulted;
	ACL *acl = NULL;
	SECURITY_DESCRIPTOR_CONTROL ctl = 0;
	DWORD rev;

	TAP_EQ(plat_win32_chan_sd(&sd), 0);
	if (!sd)
		return;
	TAP_OK(GetSecurityDescriptorDacl(sd, &present, &acl, &defaulted), "DACL");
	TAP_OK(present && acl, "a DACL is present");
	TAP_OK(GetSecurityDescriptorControl(sd, &ctl, &rev), "control");
	TAP_OK(ctl & SE_DACL_PROTECTED, "DACL protected from inheritance");
	if (acl) {
		TAP_EQ(acl->AceCount, 3);
		TAP_OK(ace_is(acl, 0, WinLocalSystemSid), "ACE 0: SYSTEM full");
		TAP_OK(ace_is(acl, 1, WinBuiltinAdministratorsSid), "ACE 1: Administrators full");
	}
	LocalFree(sd);
}
#else
/* The socket file: owner only (root in production). */
TAP_TEST(access_is_owner_only)
{
	struct plat_chan *l = NULL;
	struct stat st;
	char path[512];

	chan_path(path, sizeof(path));
	TAP_EQ(plat_chan_listen(path, &l), 0);
	TAP_EQ(stat(path, &st), 0);
	TAP_EQ(st.st_mode & 0777, 0600);
	plat_chan_close(l);
}
#endif

int main(void)
{
	plat_init();
	return tap_run();
}
