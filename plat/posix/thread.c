/* Threads, mutexes and condition variables on POSIX (pthreads). */
#include "plat/plat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct plat_thread {
	pthread_t t;
};

int plat_thread_start(struct plat_thread **out, void *(*fn)(void *), void *arg,
		      const char *name)
{
	struct plat_thread *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return -ENOMEM;
	rc = pthread_create(&t->t, NULL, fn, arg);
	if (rc) {
		free(t);
		return -rc;
	}
#ifdef __linux__
	if (name) {
		char n[16];
		snprintf(n, sizeof(n), "%s", name);
		pthread_setname_np(t->t, n);
	}
#else
	(void)name;
#endif
	*out = t;
	return 0;
}

int plat_thread_join(struct plat_thread *t, void **ret)
{
	void *r = NULL;
	int rc = pthread_join(t->t, &r);

	free(t);
	if (ret)
		*ret = r;
	return -rc;
}

void plat_thread_detach(struct plat_thread *t)
{
	pthread_detach(t->t);
	free(t);
}

void plat_mutex_init(plat_mutex *m)
{
	pthread_mutex_init(&m->m, NULL);
}

void plat_mutex_destroy(plat_mutex *m)
{
	pthread_mutex_destroy(&m->m);
}

void plat_mutex_lock(plat_mutex *m)
{
	pthread_mutex_lock(&m->m);
}

void plat_mutex_unlock(plat_mutex *m)
{
	pthread_mutex_unlock(&m->m);
}

void plat_cond_init(plat_cond *c)
{
	pthread_condattr_t a;

	/* Timed waits measure the monotonic clock, immune to wall-clock steps. */
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&c->c, &a);
	pthread_condattr_destroy(&a);
}

void plat_cond_destroy(plat_cond *c)
{
	pthread_cond_destroy(&c->c);
}

void plat_cond_wait(plat_cond *c, plat_mutex *m)
{
	pthread_cond_wait(&c->c, &m->m);
}

int plat_cond_timedwait(plat_cond *c, plat_mutex *m, uint32_t timeout_ms)
{
	struct timespec ts;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	rc = pthread_cond_timedwait(&c->c, &m->m, &ts);
	return rc == ETIMEDOUT ? -ETIMEDOUT : 0;
}

void plat_cond_signal(plat_cond *c)
{
	pthread_cond_signal(&c->c);
}

void plat_cond_broadcast(plat_cond *c)
{
	pthread_cond_broadcast(&c->c);
}
