package dev.chatsystem.core.redis;

/**
 * The server-side scripts. Each one touches only keys of one shard (one hash tag), so each is atomic and Redis
 * Cluster compatible. Replies are a number, or a table whose first element names why nothing was done: {@code FULL}
 * (the shard's stream is at its bound), {@code SEED} (a counter is missing: seed it from the store and retry),
 * {@code NOCHAT} / {@code NOMSG} (the parent or message does not exist).
 *
 * <p>Pending-hash values are {@code <stream id>|<created micros>|<updated micros>|<body>} for messages (created is
 * empty for an edit of a message already persisted) and {@code <stream id>|<created micros>} for chats.
 */
final class Scripts {
    private Scripts() {}

    /**
     * KEYS: counters, pending, stream, idempotency record. ARGV: token, at, max stream length, fingerprint ('' for no
     * key), key ttl seconds. A known key answers {@code REPLAY, number, at} (same fingerprint) or {@code MISMATCH}
     * before anything is checked or consumed.
     */
    static final Script CREATE_CHAT = new Script("""
            if ARGV[4] ~= '' then
              local known = redis.call('GET', KEYS[4])
              if known then
                local fp, number, at = string.match(known, '^([^|]*)|([^|]*)|(.*)$')
                if fp == ARGV[4] then return {'REPLAY', number, at} end
                return {'MISMATCH'}
              end
            end
            if redis.call('XLEN', KEYS[3]) >= tonumber(ARGV[3]) then return {'FULL'} end
            if redis.call('HEXISTS', KEYS[1], 'c') == 0 then return {'SEED'} end
            local n = redis.call('HINCRBY', KEYS[1], 'c', 1)
            redis.call('HSET', KEYS[1], 'm:' .. n, 0)
            local id = redis.call('XADD', KEYS[3], '*', 'k', 'c', 't', ARGV[1], 'c', n, 'a', ARGV[2])
            redis.call('HSET', KEYS[2], 'c:' .. n, id .. '|' .. ARGV[2])
            if ARGV[4] ~= '' then
              redis.call('SET', KEYS[4], ARGV[4] .. '|' .. n .. '|' .. ARGV[2], 'EX', ARGV[5])
            end
            return n
            """);

    /**
     * KEYS: counters, pending, stream, idempotency record. ARGV: token, chat, body, at, max stream length,
     * fingerprint ('' for no key), key ttl seconds. Idempotency as for {@link #CREATE_CHAT}.
     */
    static final Script CREATE_MESSAGE = new Script("""
            if ARGV[6] ~= '' then
              local known = redis.call('GET', KEYS[4])
              if known then
                local fp, number, at = string.match(known, '^([^|]*)|([^|]*)|(.*)$')
                if fp == ARGV[6] then return {'REPLAY', number, at} end
                return {'MISMATCH'}
              end
            end
            if redis.call('XLEN', KEYS[3]) >= tonumber(ARGV[5]) then return {'FULL'} end
            local chats = redis.call('HGET', KEYS[1], 'c')
            if not chats then return {'SEED'} end
            if tonumber(ARGV[2]) > tonumber(chats) then return {'NOCHAT'} end
            local field = 'm:' .. ARGV[2]
            if redis.call('HEXISTS', KEYS[1], field) == 0 then return {'SEED'} end
            local n = redis.call('HINCRBY', KEYS[1], field, 1)
            local id = redis.call('XADD', KEYS[3], '*', 'k', 'm', 't', ARGV[1], 'c', ARGV[2], 'n', n,
                'b', ARGV[3], 'a', ARGV[4])
            redis.call('HSET', KEYS[2], field .. ':' .. n, id .. '|' .. ARGV[4] .. '|' .. ARGV[4] .. '|' .. ARGV[3])
            if ARGV[6] ~= '' then
              redis.call('SET', KEYS[4], ARGV[6] .. '|' .. n .. '|' .. ARGV[4], 'EX', ARGV[7])
            end
            return n
            """);

    /**
     * KEYS: counters, pending, stream. ARGV: token, chat, message, body, at, max stream length, the message's creation
     * time (kept from a pending value that has one, so the pending value always holds it when the caller knew it),
     * the message's update time as the caller read it ('' for none). Returns the time the edit is stored with, in
     * the stream entry and the pending value: {@code at}, raised to just after the message's creation and update
     * times, the pending value's included. The edit is put in order here, and its caller read {@code at} before: an
     * edit ordered after another must never be dated before it. Micros fit a double exactly (below 2^53) until 2255.
     */
    static final Script EDIT_MESSAGE = new Script("""
            if redis.call('XLEN', KEYS[3]) >= tonumber(ARGV[6]) then return {'FULL'} end
            local last = redis.call('HGET', KEYS[1], 'm:' .. ARGV[2])
            if not last then return {'SEED'} end
            if tonumber(ARGV[3]) > tonumber(last) then return {'NOMSG'} end
            local field = 'm:' .. ARGV[2] .. ':' .. ARGV[3]
            local created, at = ARGV[7], tonumber(ARGV[5])
            local function after(micros)
              if micros and micros ~= '' then at = math.max(at, tonumber(micros) + 1) end
            end
            local previous = redis.call('HGET', KEYS[2], field)
            if previous then
              local kept, updated = string.match(previous, '^[^|]*|([^|]*)|([^|]*)|')
              if kept and kept ~= '' then created = kept end
              after(updated)
            end
            after(created)
            after(ARGV[8])
            local stamp = string.format('%.0f', at)
            local id = redis.call('XADD', KEYS[3], '*', 'k', 'e', 't', ARGV[1], 'c', ARGV[2], 'n', ARGV[3],
                'b', ARGV[4], 'a', stamp)
            redis.call('HSET', KEYS[2], field, id .. '|' .. created .. '|' .. stamp .. '|' .. ARGV[4])
            return at
            """);

    /**
     * Seeds a missing counter from the store's maximum, raised to the highest number still pending (accepted but not
     * persisted), and returns the counter. A counter that exists is returned unchanged: a seed never lowers it.
     * KEYS: counters, pending. ARGV: counter field, pending-field prefix, store maximum.
     */
    static final Script SEED = new Script("""
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            if current then return tonumber(current) end
            local seed = tonumber(ARGV[3])
            local prefix = ARGV[2]
            for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
              if string.sub(field, 1, #prefix) == prefix then
                local n = tonumber(string.match(string.sub(field, #prefix + 1), '^(%d+)$'))
                if n and n > seed then seed = n end
              end
            end
            redis.call('HSET', KEYS[1], ARGV[1], seed)
            return seed
            """);

    /**
     * Raises the stream's last id to at least {@code ms-seq}, so that its next entry, and the version derived from it,
     * comes after that: after a loss of Redis data the stream starts again from this server's clock, which may be
     * behind the one that gave the stored messages their versions, and an edit with a lower version than the stored
     * row would be dropped by the workers. A missing stream is created at that id (an entry added and trimmed away at
     * once, which no reader sees and which leaves no deleted entry behind). KEYS: stream[, tally]. ARGV: ms, seq[,
     * tally ttl millis]. 1 if raised. A reseed's call counts itself in the tally ({@link ReseedTally}).
     */
    static final Script RAISE_STREAM_ID = new Script("""
            if KEYS[2] then redis.call('INCR', KEYS[2]) redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
            local ms, seq = tonumber(ARGV[1]), tonumber(ARGV[2])
            local info = redis.pcall('XINFO', 'STREAM', KEYS[1])
            if type(info) == 'table' and info.err then
              redis.call('XADD', KEYS[1], 'MAXLEN', '0', ARGV[1] .. '-' .. ARGV[2], 'k', 'x')
              return 1
            end
            for i = 1, #info, 2 do
              if info[i] == 'last-generated-id' then
                local lastMs, lastSeq = string.match(info[i + 1], '^(%d+)-(%d+)$')
                lastMs, lastSeq = tonumber(lastMs), tonumber(lastSeq)
                if lastMs < ms or (lastMs == ms and lastSeq < seq) then
                  redis.call('XSETID', KEYS[1], ARGV[1] .. '-' .. ARGV[2])
                  return 1
                end
                return 0
              end
            end
            return 0
            """);

    /**
     * Raises a shard's persisted mark ({@code ms-seq}, missing = 0-0) to at least {@code ms-seq}, unless it is below
     * {@code expected ms-seq}: then Redis lost writes (it holds an older mark than the store) and the mark is left as
     * it is, for {@link LostWritesCheck} to find. Compared as two numbers: a version as one (ms * 1,000,000 + seq)
     * does not fit Lua's doubles. KEYS: mark[, tally]. ARGV: ms, seq, expected ms, expected seq[, tally expected]. 1
     * if at or above the expected mark (and now at least the new one), 0 if found below it, -1 (nothing raised) when
     * a reseed's tally, deleted here, is not the count of its writes ({@link ReseedTally}).
     */
    static final Script RAISE_MARK = new Script("""
            local function below(ms, seq, otherMs, otherSeq)
              return ms < otherMs or (ms == otherMs and seq < otherSeq)
            end
            if KEYS[2] then
              local tally = tonumber(redis.call('GET', KEYS[2]) or '0')
              redis.call('DEL', KEYS[2])
              if tally ~= tonumber(ARGV[5]) then return -1 end
            end
            local ms, seq = 0, 0
            local current = redis.call('GET', KEYS[1])
            if current then
              local m, s = string.match(current, '^(%d+)-(%d+)$')
              ms, seq = tonumber(m), tonumber(s)
            end
            if below(ms, seq, tonumber(ARGV[3]), tonumber(ARGV[4])) then return 0 end
            if below(ms, seq, tonumber(ARGV[1]), tonumber(ARGV[2])) then
              redis.call('SET', KEYS[1], ARGV[1] .. '-' .. ARGV[2])
            end
            return 1
            """);

    /**
     * Raises a counter to at least a value, never lowering it. KEYS: counters[, tally]. ARGV: field, value[, tally ttl
     * millis]. 1 if raised. A reseed's call counts itself in the tally ({@link ReseedTally}).
     */
    static final Script RAISE = new Script("""
            if KEYS[2] then redis.call('INCR', KEYS[2]) redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
            local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
            if current < tonumber(ARGV[2]) then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
              return 1
            end
            return 0
            """);

    /**
     * Forgets pending entries once persisted, unless a later write replaced them. KEYS: pending hashes. ARGV: triples
     * of (1-based key index, field, stream id).
     */
    static final Script FORGET_PERSISTED = new Script("""
            local forgotten = 0
            for i = 1, #ARGV, 3 do
              local key = KEYS[tonumber(ARGV[i])]
              local value = redis.call('HGET', key, ARGV[i + 1])
              local id = ARGV[i + 2]
              if value and string.sub(value, 1, #id + 1) == id .. '|' then
                redis.call('HDEL', key, ARGV[i + 1])
                forgotten = forgotten + 1
              end
            end
            return forgotten
            """);

    /**
     * Takes or renews a lease. KEYS: lease. ARGV: owner, ttl millis. Returns 1 when the caller renewed it, 2 when it
     * took it free (another holder may have come and gone since the caller last held it), 0 when another holds it.
     * {@code allow-oom}: at {@code maxmemory} Redis refuses a script's {@code SET}, and a worker that cannot take a
     * lease cannot drain the queue whose draining frees the memory.
     */
    static final Script LEASE = new Script("""
            #!lua flags=allow-oom
            local owner = redis.call('GET', KEYS[1])
            if owner == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
            if not owner then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
            return 0
            """);

    /** Entries {@link #FENCED_READ} asks XREADGROUP for at a time. */
    static final int READ_CHUNK = 100;

    /**
     * Reads a batch for a consumer group only while the caller holds the shard's lease, and renews it: the check and
     * the read are one atomic step, so a worker that lost its lease (a pause longer than the lease, Redis losing the
     * key) can never read entries its successor does not see. KEYS: lease, stream. ARGV: owner, ttl millis, group,
     * consumer, count, id to read after ({@code 0} for the consumer's pending entries, {@code >} for new ones), most
     * bytes of fields (names and values) to return. Returns {@code {0}} when the caller does not hold the lease,
     * {@code {2, error}} when the read fails (NOGROUP), else {@code {1, last id, entries, cut}}: the entries as
     * XREADGROUP gives them and, when there are none, the id of the stream's last entry ({@code 0-0} for none) for a
     * blocking {@code XREAD} to wait after.
     *
     * <p>It reads {@value #READ_CHUNK} entries at a time and stops before the entry that would pass the byte limit
     * (the first is always returned), so Redis never builds a reply of thousands of long bodies. {@code cut} is 1
     * when it stopped there: the rest of that chunk was delivered to the consumer all the same, so a read of its
     * pending entries ({@code 0}) returns them next, in order.
     */
    static final Script FENCED_READ = new Script("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            local want, limit, after = tonumber(ARGV[5]), tonumber(ARGV[7]), ARGV[6]
            local kept, bytes = {}, 0
            while #kept < want do
              local count = math.min(%d, want - #kept)
              local reply = redis.pcall('XREADGROUP', 'GROUP', ARGV[3], ARGV[4], 'COUNT', count,
                'STREAMS', KEYS[2], after)
              if type(reply) == 'table' and reply.err then return {2, reply.err} end
              local entries = reply and reply[1] and reply[1][2] or {}
              for _, entry in ipairs(entries) do
                local size = 0
                if type(entry[2]) == 'table' then
                  for _, field in ipairs(entry[2]) do size = size + #field end
                end
                if #kept > 0 and bytes + size > limit then return {1, '', kept, 1} end
                bytes = bytes + size
                kept[#kept + 1] = entry
              end
              if #entries < count then break end
              if after ~= '>' then after = entries[#entries][1] end
            end
            if #kept > 0 then return {1, '', kept, 0} end
            local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
            return {1, last[1] and last[1][1] or '0-0', {}, 0}
            """.formatted(READ_CHUNK));

    /** Gives a lease back if the caller still holds it. KEYS: lease. ARGV: owner. */
    static final Script RELEASE = new Script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """);
}
