/* Threads, mutexes and condition variables. */
#include "tests/unit/plat/plat_test.h"
#include "tests/tap.h"

struct shared {
	plat_mutex m;
	plat_cond c;
	int counter;
	bool flag;
};

static void shared_init(struct shared *s)
{
	memset(s, 0, sizeof(*s));
	plat_mutex_init(&s->m);
	plat_cond_init(&s->c);
}

static void shared_destroy(struct shared *s)
{
	plat_cond_destroy(&s->c);
	plat_mutex_destroy(&s->m);
}

static void *add_many(void *p)
{
	struct shared *s = p;

	for (int i = 0; i < 100000; i++) {
		plat_mutex_lock(&s->m);
		s->counter++;
		plat_mutex_unlock(&s->m);
	}
	return p;
}

TAP_TEST(join_returns_result_and_mutex_excludes)
{
	struct plat_thread *t[4];
	struct shared s;
	void *ret;

	shared_init(&s);
	for (int i = 0; i < 4; i++)
		TAP_EQ(plat_thread_start(&t[i], add_many, &s, "adder"), 0);
	for (int i = 0; i < 4; i++) {
		ret = NULL;
		TAP_EQ(plat_thread_join(t[i], &ret), 0);
		TAP_OK(ret == &s, "thread result passed through join");
	}
	TAP_EQ(s.counter, 400000);
	shared_destroy(&s);
}

TAP_TEST(timedwait_times_out)
{
	struct shared s;
	uint64_t t0;

	shared_init(&s);
	plat_mutex_lock(&s.m);
	t0 = plat_now_ns();
	TAP_EQ(plat_cond_timedwait(&s.c, &s.m, 30), -ETIMEDOUT);
	/* A timeout must not come early (a lower bound, no upper one). */
	TAP_OK(plat_now_ns() - t0 >= 25000000u, "waited at least ~30 ms");
	plat_mutex_unlock(&s.m);
	shared_destroy(&s);
}

static void *finish(void *p)
{
	struct shared *s = p;

	plat_mutex_lock(&s->m);
	s->flag = true;
	plat_cond_signal(&s->c);
	plat_mutex_unlock(&s->m);
	return NULL;
}

static void *set_flag(void *p)
{
	plat_sleep_ms(20);
	return finish(p);
}

TAP_TEST(signal_wakes_timedwait)
{
	struct plat_thread *t;
	struct shared s;
	int rc = 0;

	shared_init(&s);
	TAP_EQ(plat_thread_start(&t, set_flag, &s, NULL), 0);
	plat_mutex_lock(&s.m);
	/* Generous timeout: only a missed wake-up would reach it. */
	while (!s.flag && rc == 0)
		rc = plat_cond_timedwait(&s.c, &s.m, 60000);
	TAP_EQ(rc, 0);
	TAP_OK(s.flag, "woken by the signal");
	plat_mutex_unlock(&s.m);
	TAP_EQ(plat_thread_join(t, NULL), 0);
	shared_destroy(&s);
}

static void *wait_flag(void *p)
{
	struct shared *s = p;

	plat_mutex_lock(&s->m);
	s->counter++;
	plat_cond_broadcast(&s->c);
	while (!s->flag)
		plat_cond_wait(&s->c, &s->m);
	s->counter--;
	plat_mutex_unlock(&s->m);
	return NULL;
}

TAP_TEST(broadcast_wakes_all_waiters)
{
	struct plat_thread *t[3];
	struct shared s;

	shared_init(&s);
	for (int i = 0; i < 3; i++)
		TAP_EQ(plat_thread_start(&t[i], wait_flag, &s, "waiter"), 0);
	plat_mutex_lock(&s.m);
	while (s.counter < 3)
		plat_cond_wait(&s.c, &s.m);
	s.flag = true;
	plat_cond_broadcast(&s.c);
	plat_mutex_unlock(&s.m);
	for (int i = 0; i < 3; i++)
		TAP_EQ(plat_thread_join(t[i], NULL), 0);
	TAP_EQ(s.counter, 0);
	shared_destroy(&s);
}

/* Detached threads free themselves, whether they end before or after the
 * detach (the leak checker of the sanitizer build watches this). */
TAP_TEST(detach_before_and_after_end)
{
	struct plat_thread *t;
	struct shared s;

	for (int late = 0; late < 2; late++) {
		shared_init(&s);
		TAP_EQ(plat_thread_start(&t, finish, &s, "detached"), 0);
		if (!late)
			plat_thread_detach(t);
		plat_mutex_lock(&s.m);
		while (!s.flag)
			plat_cond_wait(&s.c, &s.m);
		plat_mutex_unlock(&s.m);
		if (late) {
			plat_sleep_ms(20);
			plat_thread_detach(t);
		}
		plat_sleep_ms(20); /* let it finish before s goes away */
		shared_destroy(&s);
	}
}

int main(void)
{
	plat_init();
	return tap_run();
}
