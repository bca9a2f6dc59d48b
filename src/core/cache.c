/*
** cache.c — a small per-thread cache of read results (the JSON text of hot list pages),
** each entry valid while the store's generation is what it was when the entry was made:
** a change committed by anyone, in this process or another server, invalidates it.
*/
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "wm_core.h"

struct cached_text {
    char *key;
    char *text;
    int64_t gen;
};

#define CACHE_SLOTS 16

struct text_cache {
    struct cached_text e[CACHE_SLOTS];
    unsigned next;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void
cache_free(void *p)
{
    struct text_cache *c = p;
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        free(c->e[i].key);
        free(c->e[i].text);
    }
    free(c);
}

static void
cache_key_init(void)
{
    if (pthread_key_create(&cache_key, cache_free)) {
        wm_panic("pthread_key_create failed");
    }
}

static struct text_cache *
cache_mine(void)
{
    pthread_once(&cache_once, cache_key_init);
    struct text_cache *c = pthread_getspecific(cache_key);
    if (NULL == c) {
        c = wm_calloc(1, sizeof *c);
        pthread_setspecific(cache_key, c);
    }
    return c;
}

char *
wm_cache_get(struct wm_db *db, const char *key)
{
    int64_t gen;
    if (!db->ops->generation(db, &gen)) {
        return NULL;
    }
    struct text_cache *c = cache_mine();
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        if (c->e[i].key && c->e[i].gen == gen && wm_streq(c->e[i].key, key)) {
            return wm_strdup(c->e[i].text);
        }
    }
    return NULL;
}

void
wm_cache_put(const char *key, const char *text, int64_t gen)
{
    struct text_cache *c = cache_mine();
    struct cached_text *e = &c->e[c->next++ % CACHE_SLOTS];
    free(e->key);
    free(e->text);
    e->key = wm_strdup(key);
    e->text = wm_strdup(text);
    e->gen = gen;
}

/* end of cache.c */
