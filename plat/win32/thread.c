/* Threads, slim reader/writer locks and condition variables on Windows. */
#include "plat/win32/win32.h"

#include <process.h>
#include <stdlib.h>

struct plat_thread {
	HANDLE h;
	void *(*fn)(void *);
	void *arg;
	void *ret;
	/* Set by plat_thread_detach: the thread frees the handle itself. Only
	 * the two parties touch it, under InterlockedExchange. */
	volatile LONG detached_or_done;
};

static unsigned __stdcall trampoline(void *p)
{
	struct plat_thread *t = p;

	t->ret = t->fn(t->arg);
	/* Whoever comes second (detach or thread end) frees the handle. */
	if (InterlockedExchange(&t->detached_or_done, 1)) {
		CloseHandle(t->h);
		free(t);
	}
	return 0;
}

/* SetThreadDescription exists from Windows 10 1607 on and mingw declares
 * none; the name only helps debuggers, so it is looked up at run time. */
static void set_name(HANDLE h, const char *name)
{
	typedef HRESULT (WINAPI *set_desc_fn)(HANDLE, const wchar_t *);
	set_desc_fn fn;
	wchar_t *w;

	fn = (set_desc_fn)(void (*)(void))GetProcAddress(
		GetModuleHandleW(L"kernel32.dll"), "SetThreadDescription");
	if (!fn || !name || !(w = plat_win32_wide(name)))
		return;
	fn(h, w);
	free(w);
}

int plat_thread_start(struct plat_thread **out, void *(*fn)(void *), void *arg,
		      const char *name)
{
	struct plat_thread *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->fn = fn;
	t->arg = arg;
	/* _beginthreadex, not CreateThread: the C runtime sets up its
	 * per-thread state (errno, strerror buffer). */
	t->h = (HANDLE)_beginthreadex(NULL, 0, trampoline, t, 0, NULL);
	if (!t->h) {
		free(t);
		return -errno;
	}
	set_name(t->h, name);
	*out = t;
	return 0;
}

void plat_thread_detach(struct plat_thread *t)
{
	if (InterlockedExchange(&t->detached_or_done, 1)) {
		CloseHandle(t->h);
		free(t);
	}
}

int plat_thread_join(struct plat_thread *t, void **ret)
{
	int err = 0;

	if (WaitForSingleObject(t->h, INFINITE) != WAIT_OBJECT_0)
		err = plat_win32_last_err();
	if (ret)
		*ret = t->ret;
	CloseHandle(t->h);
	free(t);
	return err;
}

/* plat.h keeps <windows.h> out, so the lock types are opaque there. */
static SRWLOCK *srw(plat_mutex *m)
{
	return (SRWLOCK *)&m->opaque;
}

static CONDITION_VARIABLE *cv(plat_cond *c)
{
	return (CONDITION_VARIABLE *)&c->opaque;
}

void plat_mutex_init(plat_mutex *m)
{
	InitializeSRWLock(srw(m));
}

void plat_mutex_destroy(plat_mutex *m)
{
	(void)m; /* SRW locks own no resources */
}

void plat_mutex_lock(plat_mutex *m)
{
	AcquireSRWLockExclusive(srw(m));
}

void plat_mutex_unlock(plat_mutex *m)
{
	ReleaseSRWLockExclusive(srw(m));
}

void plat_cond_init(plat_cond *c)
{
	InitializeConditionVariable(cv(c));
}

void plat_cond_destroy(plat_cond *c)
{
	(void)c;
}

void plat_cond_wait(plat_cond *c, plat_mutex *m)
{
	SleepConditionVariableSRW(cv(c), srw(m), INFINITE, 0);
}

int plat_cond_timedwait(plat_cond *c, plat_mutex *m, uint32_t timeout_ms)
{
	/* INFINITE is 0xffffffff: clamp so a huge timeout still ends. */
	DWORD ms = timeout_ms >= INFINITE ? INFINITE - 1 : timeout_ms;

	if (SleepConditionVariableSRW(cv(c), srw(m), ms, 0))
		return 0;
	return GetLastError() == ERROR_TIMEOUT ? -ETIMEDOUT : plat_win32_last_err();
}

void plat_cond_signal(plat_cond *c)
{
	WakeConditionVariable(cv(c));
}

void plat_cond_broadcast(plat_cond *c)
{
	WakeAllConditionVariable(cv(c));
}
