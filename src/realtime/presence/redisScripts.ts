// Lua scripts of the Redis realtime store. Each runs atomically, so two instances deciding at
// once whether a user just joined or left a room, or may open another socket, cannot both win.
// Time comes from Redis (TIME), so instance clocks never have to agree.
//
// Keys under the configured prefix P:
//   P instances                  ZSET  instance id -> expiry (ms); refreshed by each heartbeat
//   P instance:<id>              HASH  that instance's counters (connections, subscriptions,
//                                      room:<roomId>, user:<userId>)
//   P instance:<id>:rooms        SET   rooms where that instance has members (for sweeping)
//   P presence:<roomId>          HASH  "<userId>|<instanceId>" -> 1 for each instance a user is in the room on
// Counters count only while their instance is alive (expiry in the future; this instance always).
// Presence entries count for `grace` ms more (PRESENCE_LEAVE_DELAY_MS): a crashed instance's
// members are announced as gone only then, unless they came back on another instance meanwhile.
// Departures found together carry, each, the member count after its own change.

const COMMON = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function alive_fn(instances_key, self_id, now, grace)
  grace = tonumber(grace or 0)
  local cache = {}
  return function(id)
    if id == self_id then return true end
    local known = cache[id]
    if known == nil then
      local expiry = redis.call('ZSCORE', instances_key, id)
      known = expiry ~= false and tonumber(expiry) + grace > now
      cache[id] = known
    end
    return known
  end
end
local function split(field)
  local sep = string.find(field, '|', 1, true)
  return string.sub(field, 1, sep - 1), string.sub(field, sep + 1)
end
local function live_users(presence_key, alive)
  local users, count = {}, 0
  for _, field in ipairs(redis.call('HKEYS', presence_key)) do
    local user, instance = split(field)
    if not users[user] and alive(instance) then
      users[user] = true
      count = count + 1
    end
  end
  return users, count
end
local function own_fields(presence_key, instance_id)
  local fields = {}
  for _, field in ipairs(redis.call('HKEYS', presence_key)) do
    local user, instance = split(field)
    if instance == instance_id then table.insert(fields, { field, user }) end
  end
  return fields
end
`;

export interface ScriptDefinition {
  numberOfKeys: number;
  lua: string;
}

const script = (numberOfKeys: number, body: string): ScriptDefinition => ({ numberOfKeys, lua: COMMON + body });

/** KEYS presence, instances, own rooms set. ARGV userId, instanceId, roomId, grace. → {joined 0|1, memberCount} */
export const enterRoom = script(
  3,
  `
local alive = alive_fn(KEYS[2], ARGV[2], now_ms(), ARGV[4])
local before = live_users(KEYS[1], alive)
redis.call('HSET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], '1')
redis.call('SADD', KEYS[3], ARGV[3])
local _, count = live_users(KEYS[1], alive)
return { before[ARGV[1]] and 0 or 1, count }
`,
);

/** KEYS presence, instances, own rooms set. ARGV userId, instanceId, roomId, grace. → {left 0|1, memberCount} */
export const leaveRoom = script(
  3,
  `
local alive = alive_fn(KEYS[2], ARGV[2], now_ms(), ARGV[4])
local removed = redis.call('HDEL', KEYS[1], ARGV[1] .. '|' .. ARGV[2])
if #own_fields(KEYS[1], ARGV[2]) == 0 then redis.call('SREM', KEYS[3], ARGV[3]) end
local users, count = live_users(KEYS[1], alive)
return { (removed == 1 and not users[ARGV[1]]) and 1 or 0, count }
`,
);

/** KEYS presence, instances. ARGV instanceId, grace. → user ids */
export const roomMembers = script(
  2,
  `
local users = live_users(KEYS[1], alive_fn(KEYS[2], ARGV[1], now_ms(), ARGV[2]))
local list = {}
for user in pairs(users) do table.insert(list, user) end
return list
`,
);

/**
 * KEYS instances, own counters. ARGV prefix, instanceId, userId ('' = anonymous), maxPerUser, countersTtlMs.
 * → 1 when counted, 0 when the user already has maxPerUser sockets on live instances.
 */
export const openConnection = script(
  2,
  `
local now = now_ms()
if ARGV[3] ~= '' then
  local field = 'user:' .. ARGV[3]
  local total = tonumber(redis.call('HGET', KEYS[2], field) or '0')
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
    if id ~= ARGV[2] then
      total = total + tonumber(redis.call('HGET', ARGV[1] .. 'instance:' .. id, field) or '0')
    end
  end
  if total >= tonumber(ARGV[4]) then return 0 end
  redis.call('HINCRBY', KEYS[2], field, 1)
end
redis.call('HINCRBY', KEYS[2], 'connections', 1)
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return 1
`,
);

/** KEYS own counters. ARGV countersTtlMs, then counter/delta pairs. Counters at 0 are removed. */
export const addToCounters = script(
  1,
  `
for i = 2, #ARGV, 2 do
  if redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`,
);

/** KEYS instances. ARGV prefix, instanceId. → flat list: instance id, then HGETALL pairs, '' ends each */
export const liveCounters = script(
  1,
  `
local now = now_ms()
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  if id ~= ARGV[2] then
    for _, value in ipairs(redis.call('HGETALL', ARGV[1] .. 'instance:' .. id)) do table.insert(out, value) end
    table.insert(out, '')
  end
end
for _, value in ipairs(redis.call('HGETALL', ARGV[1] .. 'instance:' .. ARGV[2])) do table.insert(out, value) end
table.insert(out, '')
return out
`,
);

/**
 * KEYS instances, own counters. ARGV instanceId, ttlMs, countersTtlMs.
 * → 1 when this instance was not registered (first beat, or swept as dead) or its registration
 * had expired (a beat came too late: its counters may have expired too): it must resync.
 */
export const heartbeat = script(
  2,
  `
local now = now_ms()
local previous = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
if previous == false or tonumber(previous) <= now then return 1 end
return 0
`,
);

const REMOVE_INSTANCES = `
-- Takes the listed instances out and returns {roomId, userId, memberCount, ...} for each user who
-- is now in a room on no live instance, each with the count after its own departure.
local function remove_instances(instances_key, prefix, self_id, targets, now, grace)
  for _, id in ipairs(targets) do redis.call('ZREM', instances_key, id) end
  local alive = alive_fn(instances_key, self_id, now, grace)
  local out = {}
  for _, id in ipairs(targets) do
    local rooms_key = prefix .. 'instance:' .. id .. ':rooms'
    for _, room in ipairs(redis.call('SMEMBERS', rooms_key)) do
      local presence_key = prefix .. 'presence:' .. room
      local gone = own_fields(presence_key, id)
      for _, entry in ipairs(gone) do redis.call('HDEL', presence_key, entry[1]) end
      local users, count = live_users(presence_key, alive)
      local leaving = {}
      for _, entry in ipairs(gone) do
        if not users[entry[2]] then table.insert(leaving, entry[2]) end
      end
      for i, user in ipairs(leaving) do
        table.insert(out, room)
        table.insert(out, user)
        table.insert(out, count + #leaving - i)
      end
    end
    redis.call('DEL', rooms_key, prefix .. 'instance:' .. id)
  end
  return out
end
`;

/**
 * KEYS instances. ARGV prefix, instanceId, grace. Removes every instance expired for more than
 * grace ms (until then its members still count; its counters no longer do). → departures
 */
export const sweepDeadInstances = script(
  1,
  `${REMOVE_INSTANCES}
local now = now_ms()
local grace = tonumber(ARGV[3])
return remove_instances(KEYS[1], ARGV[1], ARGV[2], redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - grace), now, grace)
`,
);

/** KEYS instances. ARGV prefix, instanceId, grace. Removes this instance (shutdown). → departures */
export const retireInstance = script(
  1,
  `${REMOVE_INSTANCES}
return remove_instances(KEYS[1], ARGV[1], '', { ARGV[2] }, now_ms(), ARGV[3])
`,
);

/**
 * Replaces everything Redis holds for this instance with the local truth (after Redis lost
 * writes, or after this instance was swept as dead while it was only unreachable).
 * KEYS instances, own counters, own rooms set. ARGV prefix, instanceId, ttlMs, countersTtlMs,
 * counters JSON {name: value}, memberships JSON {roomId: [userId]}, grace.
 * → {arrivals, departures}: flat {roomId, userId, memberCount} lists of users whose presence
 * changed, counted as if the departures happened first, then the arrivals, one at a time.
 */
export const resyncInstance = script(
  3,
  `
local now = now_ms()
local prefix, self_id = ARGV[1], ARGV[2]
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), self_id)
local alive = alive_fn(KEYS[1], self_id, now, ARGV[7])
local touched, before = {}, {}
local function touch(room)
  if touched[room] == nil then
    touched[room] = true
    before[room] = live_users(prefix .. 'presence:' .. room, alive)
  end
end
for _, room in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  touch(room)
  local presence_key = prefix .. 'presence:' .. room
  for _, entry in ipairs(own_fields(presence_key, self_id)) do redis.call('HDEL', presence_key, entry[1]) end
end
redis.call('DEL', KEYS[2], KEYS[3])
for name, value in pairs(cjson.decode(ARGV[5])) do redis.call('HSET', KEYS[2], name, value) end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local memberships = cjson.decode(ARGV[6])
for room, users in pairs(memberships) do
  touch(room)
  for _, user in ipairs(users) do redis.call('HSET', prefix .. 'presence:' .. room, user .. '|' .. self_id, '1') end
  redis.call('SADD', KEYS[3], room)
end
local arrivals, departures = {}, {}
for room in pairs(touched) do
  local after = live_users(prefix .. 'presence:' .. room, alive)
  local count = 0
  for _ in pairs(before[room]) do count = count + 1 end
  for user in pairs(before[room]) do
    if not after[user] then count = count - 1; table.insert(departures, room); table.insert(departures, user); table.insert(departures, count) end
  end
  for user in pairs(after) do
    if not before[room][user] then count = count + 1; table.insert(arrivals, room); table.insert(arrivals, user); table.insert(arrivals, count) end
  end
end
return { arrivals, departures }
`,
);

/** Every script by name (the Redis command each is defined as is `rooms_<name>`). */
export const ROOM_SCRIPTS = {
  enterRoom,
  leaveRoom,
  roomMembers,
  openConnection,
  addToCounters,
  liveCounters,
  heartbeat,
  sweepDeadInstances,
  retireInstance,
  resyncInstance,
};
