#include "storage/schema.h"

#include <stddef.h>

/*
 * Times are UTC milliseconds since the epoch (INTEGER). Personal data lives
 * only in accounts (and the texts of queued messages, which are purged with
 * the account), in the comments people give after a meeting
 * (meeting_participants) and in what a pair writes through the bot
 * (pair_messages); the other tables hold ids, states and counts.
 */
/* Triggers that refuse a value of a state or kind column no code knows
 * (a CHECK would need the table rebuilt). */
#define STATE_GUARD(table, column, values) \
    "CREATE TRIGGER " table "_" column "_insert BEFORE INSERT ON " table \
    " WHEN NEW." column " NOT IN (" values ") BEGIN" \
    " SELECT RAISE(ABORT, '" table "." column ": unknown value'); END;" \
    "CREATE TRIGGER " table "_" column "_update BEFORE UPDATE OF " column " ON " table \
    " WHEN NEW." column " NOT IN (" values ") BEGIN" \
    " SELECT RAISE(ABORT, '" table "." column ": unknown value'); END;"

/* A guard made again with its condition written out (the same values). */
#define GUARD_AGAIN(table, column, cond) \
    "DROP TRIGGER " table "_" column "_insert;" \
    "DROP TRIGGER " table "_" column "_update;" \
    "CREATE TRIGGER " table "_" column "_insert BEFORE INSERT ON " table " WHEN " cond " BEGIN" \
    " SELECT RAISE(ABORT, '" table "." column ": unknown value'); END;" \
    "CREATE TRIGGER " table "_" column "_update BEFORE UPDATE OF " column " ON " table " WHEN " cond " BEGIN" \
    " SELECT RAISE(ABORT, '" table "." column ": unknown value'); END;"

static const char *const migrations[] = {
    /* 1: the service spine */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"

    "CREATE TABLE orgs("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  timezone TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"

    /* status: registering -> pending_consent (a minor waiting for a parent)
     * -> active; forgotten after /forget (personal fields erased). */
    "CREATE TABLE accounts("
    "  id INTEGER PRIMARY KEY,"
    "  status TEXT NOT NULL DEFAULT 'registering',"
    "  role TEXT,"
    "  org_id INTEGER REFERENCES orgs(id),"
    "  name TEXT,"
    "  category TEXT,"
    "  grade INTEGER,"
    "  birth_year INTEGER,"
    "  language TEXT,"
    "  consent_at INTEGER,"
    "  guardian_consent TEXT,"
    "  guardian_consent_at INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX accounts_org ON accounts(org_id, role, status);"

    /* One row per messenger account a person uses. */
    "CREATE TABLE identities("
    "  platform TEXT NOT NULL,"
    "  user_id INTEGER NOT NULL,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  chat_id INTEGER NOT NULL,"
    "  unreachable_at INTEGER,"
    "  unreachable_reason TEXT,"
    "  PRIMARY KEY(platform, user_id));"
    "CREATE INDEX identities_account ON identities(account_id);"

    /* kind: role (joins an organisation with a role) or guardian (a parent
     * confirms a minor's participation; for_account names the minor). */
    "CREATE TABLE invites("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL,"
    "  org_id INTEGER REFERENCES orgs(id),"
    "  role TEXT,"
    "  max_uses INTEGER NOT NULL,"
    "  uses INTEGER NOT NULL DEFAULT 0,"
    "  expires_at INTEGER,"
    "  for_account INTEGER REFERENCES accounts(id) ON DELETE CASCADE,"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  revoked_at INTEGER);"
    "CREATE TABLE invite_uses("
    "  invite_id INTEGER NOT NULL REFERENCES invites(id),"
    "  account_id INTEGER NOT NULL,"
    "  used_at INTEGER NOT NULL,"
    "  PRIMARY KEY(invite_id, account_id));"

    /* Every platform update seen, so a repeated update_id is a no-op. */
    "CREATE TABLE inbox("
    "  platform TEXT NOT NULL,"
    "  update_id INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  reason TEXT,"
    "  received_at INTEGER NOT NULL,"
    "  PRIMARY KEY(platform, update_id)) WITHOUT ROWID;"

    "CREATE TABLE dialog("
    "  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,"
    "  state TEXT NOT NULL,"
    "  data TEXT,"
    "  updated_at INTEGER NOT NULL);"

    /* state: pending -> sending -> sent | failed, or -> checking when the
     * request went out and no answer came back: the transport then looks
     * whether it arrived (probe_*), and the row becomes sent, pending again,
     * or unknown when that cannot be told. */
    /* AUTOINCREMENT: ids are never reused, because VK's random_id is the
     * row id and VK drops a message whose random_id it has seen. */
    "CREATE TABLE outbox("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  platform TEXT NOT NULL,"
    "  chat_id INTEGER NOT NULL,"
    "  account_id INTEGER,"
    "  kind TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'pending',"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_at INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  sent_at INTEGER,"
    "  http_status INTEGER,"
    "  error_code INTEGER,"
    "  error TEXT,"
    "  result_message_id INTEGER,"
    "  probe_floor INTEGER,"
    "  probe_next INTEGER,"
    "  probe_misses INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX outbox_pending ON outbox(next_at, id) WHERE state IN ('pending', 'checking');"

    /* The highest message id seen in each chat, in either direction: the
     * floor above which a message of unknown fate must be. */
    "CREATE TABLE chat_marks("
    "  platform TEXT NOT NULL,"
    "  chat_id INTEGER NOT NULL,"
    "  last_message_id INTEGER NOT NULL,"
    "  PRIMARY KEY(platform, chat_id)) WITHOUT ROWID;"
    "CREATE INDEX outbox_chat ON outbox(platform, chat_id, state);"

    "CREATE TABLE jobs("
    "  id INTEGER PRIMARY KEY,"
    "  due_at INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  payload TEXT NOT NULL DEFAULT '{}',"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL DEFAULT 'pending',"
    "  last_error TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  done_at INTEGER);"
    "CREATE INDEX jobs_due ON jobs(due_at) WHERE state = 'pending';"

    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  subject TEXT,"
    "  detail TEXT);",

    /* 2: the programme core: territories, organisation types, programmes,
     * curator and coordinator scope, survey instruments and answers,
     * participant profiles, mentorships. */
    "CREATE TABLE territories("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK(kind IN ('region', 'municipality')),"
    "  parent_id INTEGER REFERENCES territories(id),"
    "  created_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX territories_name ON territories(kind, COALESCE(parent_id, 0), name);"

    /* The messenger a person linked on two wants reminders in. */
    "ALTER TABLE accounts ADD COLUMN preferred_platform TEXT;"

    "ALTER TABLE orgs ADD COLUMN type TEXT NOT NULL DEFAULT 'school';"
    "ALTER TABLE orgs ADD COLUMN territory_id INTEGER REFERENCES territories(id);"

    /* One programme per organisation and school year (the year it starts). */
    "CREATE TABLE programs("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  year INTEGER NOT NULL,"
    "  forms TEXT NOT NULL,"
    "  stage INTEGER NOT NULL DEFAULT 1 CHECK(stage BETWEEN 1 AND 7),"
    "  created_at INTEGER NOT NULL,"
    "  UNIQUE(org_id, year));"

    /* Curators may look after several organisations; a coordinator reads a
     * territory (a municipality or the whole region). */
    "CREATE TABLE scopes("
    "  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  org_id INTEGER REFERENCES orgs(id),"
    "  territory_id INTEGER REFERENCES territories(id),"
    "  CHECK((org_id IS NULL) <> (territory_id IS NULL)));"
    "CREATE UNIQUE INDEX scopes_unique ON scopes(account_id, COALESCE(org_id, 0), COALESCE(territory_id, 0));"
    "ALTER TABLE invites ADD COLUMN territory_id INTEGER REFERENCES territories(id);"

    /* Survey instruments are versioned data: an edit is a new row, answers
     * keep pointing at the version they were given to. */
    "CREATE TABLE instruments("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  UNIQUE(key, version));"
    "CREATE TABLE survey_runs("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  instrument_id INTEGER NOT NULL REFERENCES instruments(id),"
    "  state TEXT NOT NULL DEFAULT 'open',"
    "  position TEXT,"
    "  started_at INTEGER NOT NULL,"
    "  finished_at INTEGER);"
    "CREATE INDEX survey_runs_account ON survey_runs(account_id, state);"
    "CREATE TABLE survey_answers("
    "  run_id INTEGER NOT NULL REFERENCES survey_runs(id) ON DELETE CASCADE,"
    "  item TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  answered_at INTEGER NOT NULL,"
    "  PRIMARY KEY(run_id, item));"

    /* What matching and the indicators read, filled from survey answers. */
    "CREATE TABLE profiles("
    "  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,"
    "  topics TEXT NOT NULL DEFAULT '[]',"
    "  subjects TEXT NOT NULL DEFAULT '[]',"
    "  forms TEXT NOT NULL DEFAULT '[]',"
    "  slots TEXT NOT NULL DEFAULT '[]',"
    "  meeting_mode TEXT,"
    "  capacity INTEGER NOT NULL DEFAULT 0,"
    "  employer TEXT,"
    "  municipality TEXT,"
    "  career INTEGER NOT NULL DEFAULT 0,"
    "  trained_at INTEGER,"
    "  updated_at INTEGER NOT NULL);"

    /* A pair is a mentorship with one mentee, a group one with several. */
    "CREATE TABLE mentorships("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  program_id INTEGER REFERENCES programs(id),"
    "  form TEXT NOT NULL,"
    "  mentor_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  direction TEXT,"
    "  state TEXT NOT NULL DEFAULT 'active',"
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  ended_at INTEGER);"
    "CREATE INDEX mentorships_org ON mentorships(org_id, state);"
    "CREATE TABLE mentorship_members("
    "  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id),"
    "  mentee_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  joined_at INTEGER NOT NULL,"
    "  left_at INTEGER,"
    "  PRIMARY KEY(mentorship_id, mentee_id));"
    /* A mentee is in at most one active mentorship: two curators confirming
     * the same mentee at once cannot both succeed. */
    "CREATE UNIQUE INDEX mentee_one_active ON mentorship_members(mentee_id) WHERE left_at IS NULL;"
    "CREATE TABLE match_rejections("
    "  mentee_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  mentor_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  at INTEGER NOT NULL,"
    "  PRIMARY KEY(mentee_id, mentor_id));",

    /* 3: account security: linking a messenger waits for the owner's
     * confirmation, identities keep the name the messenger shows, and
     * wrong codes are counted per person to slow down guessing. */
    "ALTER TABLE identities ADD COLUMN display_name TEXT;"
    "CREATE TABLE link_requests("
    "  id INTEGER PRIMARY KEY,"
    "  invite_id INTEGER NOT NULL REFERENCES invites(id) ON DELETE CASCADE,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  platform TEXT NOT NULL,"
    "  user_id INTEGER NOT NULL,"
    "  chat_id INTEGER NOT NULL,"
    "  display_name TEXT,"
    "  state TEXT NOT NULL DEFAULT 'pending',"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX link_requests_account ON link_requests(account_id, state);"
    "CREATE TABLE code_failures("
    "  platform TEXT NOT NULL,"
    "  user_id INTEGER NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX code_failures_user ON code_failures(platform, user_id, at);"
    "CREATE INDEX code_failures_at ON code_failures(at);"
    "CREATE TABLE code_lockouts("
    "  platform TEXT NOT NULL,"
    "  user_id INTEGER NOT NULL,"
    "  until INTEGER NOT NULL,"
    "  PRIMARY KEY(platform, user_id)) WITHOUT ROWID;",

    /* 4: a parent's consent. The school's list of guardians' phones (digits
     * only, as guardian_phone_normalise writes them); each person's request
     * to consent for a pupil, with who they said they are; and every
     * messenger account a person ever had, so that one once linked to a
     * pupil can never confirm for them. /forget drops the pupil's requests
     * and the person's history with their identities. */
    "CREATE TABLE guardian_phones("
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  phone TEXT NOT NULL,"
    "  name TEXT,"
    "  added_by TEXT NOT NULL,"
    "  added_at INTEGER NOT NULL,"
    "  PRIMARY KEY(org_id, phone)) WITHOUT ROWID;"
    /* state: open (the dialog goes on, step says where) -> waiting (for the
     * curator) -> confirmed | rejected; open -> confirmed (a listed phone)
     * | refused (the person said no); closed when the pupil got consent
     * another way or a new dialog replaced it. */
    "CREATE TABLE consent_requests("
    "  id INTEGER PRIMARY KEY,"
    "  minor_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  invite_id INTEGER NOT NULL,"
    "  platform TEXT NOT NULL,"
    "  user_id INTEGER NOT NULL,"
    "  chat_id INTEGER NOT NULL,"
    "  language TEXT,"
    "  step TEXT NOT NULL DEFAULT 'name',"
    "  state TEXT NOT NULL DEFAULT 'open',"
    "  name TEXT,"
    "  relation TEXT,"
    "  phone TEXT,"
    "  phone_listed INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  decided_at INTEGER,"
    "  decided_by TEXT);"
    "CREATE INDEX consent_requests_sender ON consent_requests(platform, user_id, state);"
    "CREATE INDEX consent_requests_minor ON consent_requests(minor_id, state);"
    "CREATE TABLE identity_history("
    "  platform TEXT NOT NULL,"
    "  user_id INTEGER NOT NULL,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  PRIMARY KEY(platform, user_id, account_id)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO identity_history(platform, user_id, account_id)"
    "  SELECT platform, user_id, account_id FROM identities;"
    "CREATE TRIGGER identity_history_add AFTER INSERT ON identities BEGIN"
    "  INSERT OR IGNORE INTO identity_history(platform, user_id, account_id)"
    "  VALUES(NEW.platform, NEW.user_id, NEW.account_id);"
    "END;"
    "CREATE TRIGGER consent_forget AFTER UPDATE OF status ON accounts WHEN NEW.status = 'forgotten' BEGIN"
    "  DELETE FROM identity_history WHERE account_id = NEW.id;"
    "  DELETE FROM consent_requests WHERE minor_id = NEW.id;"
    "END;",

    /* 5: territories carry a timezone, which organisations imported
     * without one inherit ('' = none: the region's, then the service's). */
    "ALTER TABLE territories ADD COLUMN timezone TEXT NOT NULL DEFAULT '';",

    /* 6: a place on an invite is held (1) until the registration that took
     * it completes; only held places are counted against the free ones,
     * so the count stays as small as the registrations under way however
     * many people an invite has brought. */
    "ALTER TABLE invite_uses ADD COLUMN held INTEGER NOT NULL DEFAULT 1;"
    "UPDATE invite_uses SET held = 0"
    "  WHERE account_id NOT IN (SELECT id FROM accounts WHERE status = 'registering');"
    "CREATE INDEX invite_uses_held ON invite_uses(invite_id, used_at) WHERE held = 1;",

    /* 7: a region's year. Indexes for the lookups that would otherwise read
     * a whole large table (docs/scaling.md; tests/test_query_plans.c finds
     * them), indexes for the retention sweep (storage/retention.c), and
     * triggers that refuse a state no code knows, so a typo cannot store
     * one: triggers, because a CHECK would need every table rebuilt. */
    "CREATE INDEX outbox_account ON outbox(account_id);"
    "CREATE INDEX outbox_finished ON outbox(created_at) WHERE state IN ('sent', 'failed');"
    "CREATE INDEX outbox_sending ON outbox(id) WHERE state = 'sending';"
    "CREATE INDEX outbox_files ON outbox(kind) WHERE kind IN ('document', 'photo')"
    "  AND state IN ('pending', 'sending', 'checking', 'unknown');"
    "CREATE INDEX mentorships_mentor ON mentorships(mentor_id, state);"
    "CREATE INDEX mentorship_members_mentee ON mentorship_members(mentee_id);"
    "CREATE INDEX match_rejections_mentor ON match_rejections(mentor_id);"
    "CREATE INDEX invites_for_account ON invites(for_account) WHERE for_account IS NOT NULL;"
    "CREATE INDEX inbox_handled ON inbox(received_at) WHERE status <> 'received';"
    "CREATE INDEX jobs_finished ON jobs(done_at) WHERE state <> 'pending';"
    "CREATE INDEX jobs_pending_kind ON jobs(kind) WHERE state = 'pending';"
    "CREATE INDEX invites_org ON invites(org_id, kind);"
    "CREATE INDEX link_requests_invite ON link_requests(invite_id);"
    "CREATE INDEX identity_history_account ON identity_history(account_id);"
    /* the erase sweep asks, for each finished message, whether anyone
     * still has its chat: without this, every identity of the platform */
    "CREATE INDEX identities_chat ON identities(platform, chat_id);"
    "CREATE INDEX link_requests_user ON link_requests(platform, user_id);"
    "CREATE INDEX audit_at ON audit(at);"
    "CREATE INDEX audit_subject ON audit(subject);"
    STATE_GUARD("accounts", "status", "'registering', 'pending_consent', 'active', 'forgotten'")
    STATE_GUARD("outbox", "state", "'pending', 'sending', 'checking', 'sent', 'failed', 'unknown'")
    STATE_GUARD("outbox", "kind", "'text', 'edit', 'answer', 'document', 'photo'")
    STATE_GUARD("inbox", "status", "'received', 'done', 'failed', 'ignored'")
    STATE_GUARD("jobs", "state", "'pending', 'done', 'failed', 'cancelled'")
    STATE_GUARD("invites", "kind", "'role', 'link', 'guardian'")
    STATE_GUARD("mentorships", "state", "'active', 'ended'")
    STATE_GUARD("link_requests", "state", "'pending', 'confirmed', 'declined', 'expired'")
    STATE_GUARD("consent_requests", "state",
                "'open', 'waiting', 'confirmed', 'rejected', 'refused', 'closed', 'withdrawn'")
    STATE_GUARD("survey_runs", "state", "'open', 'done'"),

    /* 8: the held rows of each invite, counted as they change. Most
     * invites have far more places than registrations under way, and this
     * count shows it without reading them; only an invite close to full
     * counts its held places one by one (storage/invites.c). */
    "ALTER TABLE invites ADD COLUMN held_rows INTEGER NOT NULL DEFAULT 0;"
    "UPDATE invites SET held_rows ="
    "  (SELECT COUNT(*) FROM invite_uses u WHERE u.invite_id = invites.id AND u.held = 1);"
    "CREATE TRIGGER invite_uses_held_insert AFTER INSERT ON invite_uses WHEN NEW.held = 1 BEGIN"
    "  UPDATE invites SET held_rows = held_rows + 1 WHERE id = NEW.invite_id; END;"
    "CREATE TRIGGER invite_uses_held_delete AFTER DELETE ON invite_uses WHEN OLD.held = 1 BEGIN"
    "  UPDATE invites SET held_rows = held_rows - 1 WHERE id = OLD.invite_id; END;"
    "CREATE TRIGGER invite_uses_held_update AFTER UPDATE OF held, invite_id ON invite_uses"
    "  WHEN OLD.held IS NOT NEW.held OR OLD.invite_id IS NOT NEW.invite_id BEGIN"
    "  UPDATE invites SET held_rows = held_rows - 1 WHERE id = OLD.invite_id AND OLD.held = 1;"
    "  UPDATE invites SET held_rows = held_rows + 1 WHERE id = NEW.invite_id AND NEW.held = 1; END;",

    /* 9: meetings of mentorships (storage/meetings.h). A meeting belongs
     * to one mentorship, or to several when it is an activity for mentees
     * (mentorship_id NULL); meeting_mentorships lists them either way, so
     * a mentorship's meetings are one lookup. version grows with every
     * change of the meeting, so a stale button is told apart. Each
     * participant's response and after-meeting answer is their own row:
     * mentor and mentee may disagree. The comment is personal data
     * (storage/erase.c, storage/retention.c). Holidays are the
     * organisation's local dates that weekly series skip. */
    "CREATE TABLE meeting_series("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id),"
    "  kind TEXT NOT NULL,"
    "  local_time TEXT NOT NULL,"
    "  weekday INTEGER NOT NULL CHECK(weekday BETWEEN 0 AND 6),"
    "  until_at INTEGER NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'active',"
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX meeting_series_mentorship ON meeting_series(mentorship_id, state);"
    "CREATE TABLE meetings("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  mentorship_id INTEGER REFERENCES mentorships(id),"
    "  kind TEXT NOT NULL,"
    "  topic TEXT,"
    "  format TEXT NOT NULL,"
    "  place TEXT,"
    "  link TEXT,"
    "  starts_at INTEGER NOT NULL,"
    "  minutes INTEGER NOT NULL CHECK(minutes BETWEEN 1 AND 1440),"
    "  state TEXT NOT NULL DEFAULT 'planned',"
    "  series_id INTEGER REFERENCES meeting_series(id),"
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  version INTEGER NOT NULL DEFAULT 1,"
    "  CHECK(place IS NULL OR link IS NULL));"
    "CREATE INDEX meetings_org_time ON meetings(org_id, starts_at);"
    /* a mentorship's own meetings: the trigger below, and the foreign key's check */
    "CREATE INDEX meetings_mentorship ON meetings(mentorship_id, starts_at);"
    "CREATE INDEX meetings_series ON meetings(series_id, starts_at) WHERE series_id IS NOT NULL;"
    /* the retention sweep, oldest first */
    "CREATE INDEX meetings_starts ON meetings(starts_at);"
    "CREATE TABLE meeting_mentorships("
    "  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
    "  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id),"
    "  PRIMARY KEY(meeting_id, mentorship_id)) WITHOUT ROWID;"
    "CREATE INDEX meeting_mentorships_mentorship ON meeting_mentorships(mentorship_id, meeting_id);"
    "CREATE TABLE meeting_participants("
    "  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  role TEXT NOT NULL,"
    "  response TEXT NOT NULL DEFAULT 'none',"
    "  proposed_at INTEGER,"
    "  responded_at INTEGER,"
    "  outcome TEXT,"
    "  usefulness INTEGER CHECK(usefulness BETWEEN 1 AND 5),"
    "  comment TEXT,"
    "  answered_at INTEGER,"
    "  PRIMARY KEY(meeting_id, account_id)) WITHOUT ROWID;"
    "CREATE INDEX meeting_participants_account ON meeting_participants(account_id, meeting_id);"
    /* the retention sweep clears old comments, oldest first */
    "CREATE INDEX meeting_participants_comment ON meeting_participants(answered_at) WHERE comment IS NOT NULL;"
    "CREATE TABLE org_holidays("
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  day TEXT NOT NULL,"
    "  name TEXT,"
    "  added_by TEXT NOT NULL,"
    "  added_at INTEGER NOT NULL,"
    "  PRIMARY KEY(org_id, day)) WITHOUT ROWID;"
    /* Ending a mentorship (the curator's "end", /forget) cancels its own
     * planned meetings from that moment on and stops its series;
     * activities shared with other mentorships go on. */
    "CREATE TRIGGER mentorship_end_meetings AFTER UPDATE OF state ON mentorships"
    "  WHEN OLD.state = 'active' AND NEW.state = 'ended' BEGIN"
    "  UPDATE meetings SET state = 'cancelled', version = version + 1, updated_at = NEW.ended_at"
    "    WHERE mentorship_id = NEW.id AND starts_at >= NEW.ended_at AND state = 'planned';"
    "  UPDATE meeting_series SET state = 'stopped' WHERE mentorship_id = NEW.id AND state = 'active'; END;"
    STATE_GUARD("meetings", "state", "'planned', 'held', 'missed', 'cancelled'")
    STATE_GUARD("meetings", "kind",
                "'intro', 'trial', 'planning', 'work', 'final', 'training', 'business_game', 'mini_project', 'activity'")
    STATE_GUARD("meetings", "format", "'online', 'in_person'")
    STATE_GUARD("meeting_series", "state", "'active', 'stopped'")
    STATE_GUARD("meeting_participants", "role", "'mentor', 'mentee'")
    STATE_GUARD("meeting_participants", "response", "'none', 'accepted', 'declined', 'proposed'")
    /* NULL (not answered yet) passes: NULL NOT IN (...) is not true */
    STATE_GUARD("meeting_participants", "outcome", "'happened', 'moved', 'not_held'"),

    /* 10: what the people of a mentorship write each other through the
     * bot, and the problems they report to the curator (to_account NULL). */
    "CREATE TABLE pair_messages("
    "  id INTEGER PRIMARY KEY,"
    "  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id),"
    "  from_account INTEGER NOT NULL REFERENCES accounts(id),"
    "  to_account INTEGER REFERENCES accounts(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('message', 'problem')),"
    "  text TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX pair_messages_mentorship ON pair_messages(mentorship_id, id);"
    "CREATE INDEX pair_messages_from ON pair_messages(from_account);"
    "CREATE INDEX pair_messages_to ON pair_messages(to_account) WHERE to_account IS NOT NULL;",

    /* 11: stalled mentorships (storage/stalls.h). One row per mentorship
     * holds its latest stall episode: why it stalled, the start of its
     * latest held meeting then (a later held meeting ends the episode), and
     * when the mentor was nudged and the curator flagged, so each goes once
     * per episode. The daily scan walks the active mentorships by id. */
    "CREATE TABLE mentorship_stalls("
    "  mentorship_id INTEGER PRIMARY KEY REFERENCES mentorships(id),"
    "  reason TEXT NOT NULL CHECK(reason IN ('never', 'no_meeting', 'missed', 'useless', 'silent')),"
    "  silent_id INTEGER,"
    "  held_mark INTEGER NOT NULL,"
    "  idle_since INTEGER NOT NULL,"
    "  began_at INTEGER NOT NULL,"
    "  nudged_at INTEGER,"
    "  flagged_at INTEGER,"
    "  ended_at INTEGER);"
    "CREATE INDEX mentorships_active ON mentorships(id) WHERE state = 'active';",

    /* 12: a person's own timezone (handlers/timezone.c); '' follows the
     * organisation's. */
    "ALTER TABLE accounts ADD COLUMN timezone TEXT NOT NULL DEFAULT '';",

    /* 13: adults of a pair who agreed to show each other their messenger
     * accounts; both must agree (handlers/pair.c). */
    "CREATE TABLE pair_contacts("
    "  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id),"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  agreed_at INTEGER NOT NULL,"
    "  PRIMARY KEY(mentorship_id, account_id)) WITHOUT ROWID;"
    "CREATE INDEX pair_contacts_account ON pair_contacts(account_id);",

    /* 14: arming a meeting replaces its pending jobs by kind and payload
     * (job_cancel). On the kind's index alone that read every pending
     * reminder, so arming grew with the meetings planned: 7 ms a meeting
     * at 10,000 (bench/meetings.c). */
    "CREATE INDEX jobs_pending_payload ON jobs(kind, payload) WHERE state = 'pending';",

    /* 15: what the indicators count beyond pairs and meetings: poll waves
     * and who was asked, outcome records, the employers that gave mentors,
     * people and pairs imported from an organisation's own lists, and the
     * history of each account's role. Rows here outlive /forget: the
     * account stays as an anonymous row, so a past count does not change.
     * An account deleted outright (a registration declined before it
     * held anything) takes its rows with it. */

    /* A poll wave: one instrument family given to one audience of an
     * organisation. kind: start, interim, final (expectations and
     * satisfaction), feedback (the curator's), selfdet_initial,
     * selfdet_final (professional self-determination, grades 5-11), teachers
     * (the teachers' questionnaire of the monitoring criteria). */
    "CREATE TABLE poll_waves("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  program_id INTEGER REFERENCES programs(id),"
    "  kind TEXT NOT NULL,"
    "  audience TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'scheduled',"
    "  opens_at INTEGER NOT NULL,"
    "  closes_at INTEGER,"
    "  launched_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX poll_waves_org ON poll_waves(org_id, kind, opens_at);"
    "CREATE INDEX poll_waves_due ON poll_waves(opens_at) WHERE state = 'scheduled';"
    STATE_GUARD("poll_waves", "kind",
                "'start', 'interim', 'final', 'feedback', 'selfdet_initial', 'selfdet_final', 'teachers'")
    STATE_GUARD("poll_waves", "audience", "'mentee', 'mentor', 'curator', 'pupil', 'teacher'")
    STATE_GUARD("poll_waves", "state", "'scheduled', 'open', 'closed'")

    /* Each person a wave asked, with what they were then (role, category,
     * grade: the age band of a self-determination instrument) and, once
     * done, the mean of the instrument's satisfaction items (1-10), kept
     * when /forget removes the answers themselves. */
    "CREATE TABLE poll_recipients("
    "  wave_id INTEGER NOT NULL REFERENCES poll_waves(id),"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL,"
    "  category TEXT,"
    "  grade INTEGER,"
    "  instrument_id INTEGER REFERENCES instruments(id),"
    "  run_id INTEGER REFERENCES survey_runs(id) ON DELETE SET NULL,"
    "  state TEXT NOT NULL DEFAULT 'invited',"
    "  reminders INTEGER NOT NULL DEFAULT 0,"
    "  invited_at INTEGER NOT NULL,"
    "  answered_at INTEGER,"
    "  satisfaction REAL CHECK(satisfaction IS NULL OR satisfaction BETWEEN 1 AND 10),"
    "  PRIMARY KEY(wave_id, account_id)) WITHOUT ROWID;"
    "CREATE INDEX poll_recipients_account ON poll_recipients(account_id, state);"
    STATE_GUARD("poll_recipients", "state", "'invited', 'started', 'done'")

    /* Outcomes the bot cannot observe, entered by a curator (chat or CSV)
     * or derived (source auto). level: school, municipal, regional,
     * federal; result: positive, stable, negative (class results, an
     * expertise); count: attendees of a hosted event. */
    "CREATE TABLE outcomes("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  mentorship_id INTEGER REFERENCES mentorships(id),"
    "  kind TEXT NOT NULL,"
    "  level TEXT,"
    "  subject TEXT,"
    "  title TEXT,"
    "  result TEXT,"
    "  count INTEGER CHECK(count IS NULL OR count >= 0),"
    "  happened_on INTEGER NOT NULL,"
    "  source TEXT NOT NULL,"
    "  entered_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX outcomes_org ON outcomes(org_id, kind, happened_on);"
    "CREATE INDEX outcomes_account ON outcomes(account_id) WHERE account_id IS NOT NULL;"
    STATE_GUARD("outcomes", "kind",
                "'training', 'grade_improved', 'contest', 'olympiad', 'project', 'project_lead', 'career_event',"
                " 'management_reserve', 'became_mentor', 'event_hosted', 'event_attended', 'presentation',"
                " 'practice_expertise', 'class_results'")
    STATE_GUARD("outcomes", "level", "'school', 'municipal', 'regional', 'federal'")
    STATE_GUARD("outcomes", "result", "'positive', 'stable', 'negative'")
    STATE_GUARD("outcomes", "source", "'chat', 'csv', 'auto'")

    /* The organisations mentors work for, one row per name as typed once
     * folded (name_key: lower case, quotes and spaces squeezed). */
    "CREATE TABLE employers("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  name_key TEXT NOT NULL UNIQUE,"
    "  territory_id INTEGER REFERENCES territories(id),"
    "  created_at INTEGER NOT NULL);"
    "ALTER TABLE accounts ADD COLUMN employer_id INTEGER REFERENCES employers(id);"
    "CREATE INDEX accounts_employer ON accounts(employer_id) WHERE employer_id IS NOT NULL;"

    /* A person of an organisation's imported list (its person_id): an
     * account in status 'imported' until they join with a personal invite. */
    "ALTER TABLE accounts ADD COLUMN external_id TEXT;"
    "CREATE UNIQUE INDEX accounts_external ON accounts(org_id, external_id) WHERE external_id IS NOT NULL;"
    "DROP TRIGGER accounts_status_insert;"
    "DROP TRIGGER accounts_status_update;"
    STATE_GUARD("accounts", "status", "'imported', 'registering', 'pending_consent', 'active', 'forgotten'")

    /* A mentorship's direction; career is профориентация, counted apart
     * by the city programme's indicators. */
    STATE_GUARD("mentorships", "direction",
                "'career', 'learning', 'talent', 'project', 'adaptation', 'social', 'professional'")

    /* Every role an account held and since when, written by triggers so
     * no path that sets a role can forget it: a mentee who became a
     * mentor shows as mentee, then mentor. */
    "CREATE TABLE role_history("
    "  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  org_id INTEGER,"
    "  role TEXT NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX role_history_account ON role_history(account_id, at);"
    "CREATE INDEX role_history_role ON role_history(role, account_id);"
    "INSERT INTO role_history(account_id, org_id, role, at)"
    "  SELECT id, org_id, role, created_at FROM accounts WHERE role IS NOT NULL AND role <> '';"
    "CREATE TRIGGER accounts_role_insert AFTER INSERT ON accounts"
    "  WHEN NEW.role IS NOT NULL AND NEW.role <> '' BEGIN"
    "  INSERT INTO role_history(account_id, org_id, role, at)"
    "    VALUES (NEW.id, NEW.org_id, NEW.role, NEW.updated_at); END;"
    "CREATE TRIGGER accounts_role_update AFTER UPDATE OF role ON accounts"
    "  WHEN NEW.role IS NOT NULL AND NEW.role <> '' AND NEW.role IS NOT OLD.role BEGIN"
    "  INSERT INTO role_history(account_id, org_id, role, at)"
    "    VALUES (NEW.id, NEW.org_id, NEW.role, NEW.updated_at); END;",

    /* 16: a personal invite (kind person) lets one imported person join
     * their own row: for_account names it, one use. */
    "DROP TRIGGER invites_kind_insert;"
    "DROP TRIGGER invites_kind_update;"
    STATE_GUARD("invites", "kind", "'role', 'link', 'guardian', 'person'"),

    /* 17: a survey run given for a poll wave names it, so the request and
     * competence surveys (the latest run of a person) never take a poll's
     * run for theirs, and a finished run finds its recipient row
     * (handlers/polls.c). */
    "ALTER TABLE survey_runs ADD COLUMN wave_id INTEGER REFERENCES poll_waves(id);",

    /* 18: what the indicators need beyond the store (docs/indicators.md):
     * the contingents an administrator enters because the bot cannot see
     * them (pupils of grades 5-11, teachers, organisations), per territory
     * or organisation and school year, with their source; the yearly
     * targets; and the values of a finished period as they were handed
     * in, so a later change of the data does not change a past report.
     * scope_kind: territory, org, or all (scope_id 0; targets only). */
    "CREATE TABLE reference_numbers("
    "  scope_kind TEXT NOT NULL CHECK(scope_kind IN ('territory', 'org')),"
    "  scope_id INTEGER NOT NULL,"
    "  year INTEGER NOT NULL,"
    "  key TEXT NOT NULL,"
    "  value REAL NOT NULL CHECK(value >= 0),"
    "  source TEXT NOT NULL,"
    "  entered_by TEXT NOT NULL,"
    "  entered_at INTEGER NOT NULL,"
    "  PRIMARY KEY(scope_kind, scope_id, key, year)) WITHOUT ROWID;"
    "CREATE TABLE indicator_targets("
    "  code TEXT NOT NULL,"
    "  scope_kind TEXT NOT NULL CHECK(scope_kind IN ('all', 'territory', 'org')),"
    "  scope_id INTEGER NOT NULL,"
    "  year INTEGER NOT NULL,"
    "  target REAL NOT NULL,"
    "  persons INTEGER,"
    "  source TEXT NOT NULL,"
    "  loaded_at INTEGER NOT NULL,"
    "  PRIMARY KEY(code, scope_kind, scope_id, year)) WITHOUT ROWID;"
    "CREATE TABLE indicator_snapshots("
    "  id INTEGER PRIMARY KEY,"
    "  set_code TEXT NOT NULL,"
    "  scope_kind TEXT NOT NULL CHECK(scope_kind IN ('territory', 'org')),"
    "  scope_id INTEGER NOT NULL,"
    "  period TEXT NOT NULL,"
    "  taken_at INTEGER NOT NULL,"
    "  UNIQUE(set_code, scope_kind, scope_id, period));"
    /* One row per indicator as computed then; NULL where there was no
     * value (no denominator, too few respondents). */
    "CREATE TABLE indicator_snapshot_rows("
    "  snapshot_id INTEGER NOT NULL REFERENCES indicator_snapshots(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  code TEXT NOT NULL,"
    "  numerator REAL,"
    "  denominator REAL,"
    "  value REAL,"
    "  target REAL,"
    "  target_persons REAL,"
    "  respondents INTEGER,"
    "  invited INTEGER,"
    "  flags INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY(snapshot_id, position)) WITHOUT ROWID;",

    /* 19: mentor recognition and announcements (docs/recognition.md). A
     * mentor who hides from published rankings has a row here (their own
     * points they still see). An announcement to the mentors of an
     * organisation or a territory keeps the range of outbox ids its
     * messages took (one transaction queues them all, so the range holds
     * nothing else) and when the sender was told how many arrived. */
    "CREATE TABLE ranking_hidden("
    "  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,"
    "  hidden_at INTEGER NOT NULL);"
    "CREATE TABLE announcements("
    "  id INTEGER PRIMARY KEY,"
    "  sender_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,"
    "  org_id INTEGER REFERENCES orgs(id),"
    "  territory_id INTEGER REFERENCES territories(id),"
    "  recipients INTEGER NOT NULL,"
    "  first_outbox_id INTEGER NOT NULL,"
    "  last_outbox_id INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  reported_at INTEGER);",

    /* 20: weekly digests (handlers/digest.c): a person's "no weekly
     * digest" setting, and each recipient's weeks, claimed with their job
     * in one transaction so a week is planned once; state: planned, sent,
     * skipped (why in note). */
    "ALTER TABLE accounts ADD COLUMN digest_muted INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE digest_weeks("
    "  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  week TEXT NOT NULL,"
    "  job_id INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'planned',"
    "  note TEXT,"
    "  PRIMARY KEY(account_id, week)) WITHOUT ROWID;"
    STATE_GUARD("digest_weeks", "state", "'planned', 'sent', 'skipped'")
    /* A digest reads an organisation's meetings of the year by state and
     * by mentorship; without state and mentorship in the index each of
     * its thousands of meetings was a row read (a region's digests took
     * a minute, bench/digest.c). */
    "CREATE INDEX meetings_org_digest ON meetings(org_id, starts_at, state, mentorship_id);",

    /* 21: when a person last wrote from each messenger account, so what
     * the bot starts (reminders, polls) goes to the messenger they used
     * last unless they chose one (storage/accounts.h). */
    "ALTER TABLE identities ADD COLUMN last_used_at INTEGER;",

    /* 22: the retention sweep (storage/retention.c) over recipients' weeks
     * of digests once sent or skipped, and over announcements, oldest
     * first. */
    ("CREATE INDEX digest_weeks_done ON digest_weeks(week) WHERE state <> 'planned';"
     "CREATE INDEX announcements_age ON announcements(created_at);"),

    /* 23: the platform's own id of a chat where it differs from the id
     * the bot addresses replies by: a MAX dialog has a chat_id of its own
     * beside the user's id, and only that chat_id lists the dialog's
     * messages (GET /messages), which MAX's delivery check reads. */
    "ALTER TABLE chat_marks ADD COLUMN platform_chat_id INTEGER;",

    /* 24: a digest counts an organisation's people by role, status and
     * when they joined; with the date in the index the count reads no
     * row of accounts (each was a page of its own: 25 ms a school, a
     * region's week 2 s, bench/digest.c). The same name keeps the plans
     * that chose it. */
    ("DROP INDEX accounts_org;"
     "CREATE INDEX accounts_org ON accounts(org_id, role, status, created_at);"),

    /* 25: less work for each message and update (bench/http_load.c).
     * SQLite tests a list of more than two constants by building a
     * temporary b-tree for it, each time the statement runs: the guards
     * of the tables most updates write test their values two at a time
     * instead (the same values allowed), and the index of files to send
     * depends on the kind only, so a change of a message's state no
     * longer tests the file index's condition twice nor writes it
     * (outbox_file_in_use() still asks for the state). */
    ("DROP INDEX outbox_files;"
     "CREATE INDEX outbox_files ON outbox(kind) WHERE kind IN ('document', 'photo');"
     GUARD_AGAIN("outbox", "state", "NEW.state NOT IN ('pending', 'sending') AND NEW.state NOT IN ('checking', 'sent')"
                 " AND NEW.state NOT IN ('failed', 'unknown')")
     GUARD_AGAIN("outbox", "kind", "NEW.kind NOT IN ('text', 'edit') AND NEW.kind NOT IN ('answer', 'document')"
                 " AND NEW.kind <> 'photo'")
     GUARD_AGAIN("inbox", "status", "NEW.status NOT IN ('received', 'done') AND NEW.status NOT IN ('failed', 'ignored')")
     GUARD_AGAIN("accounts", "status", "NEW.status NOT IN ('imported', 'registering')"
                 " AND NEW.status NOT IN ('pending_consent', 'active') AND NEW.status <> 'forgotten'")
     GUARD_AGAIN("jobs", "state", "NEW.state NOT IN ('pending', 'done') AND NEW.state NOT IN ('failed', 'cancelled')")),

    /* 26: fewer index writes for each message. A chat's line (the
     * messages that keep a later one waiting: pending, sending, checking)
     * is its own small index, keyed without the state, so a message going
     * from pending to sending does not move in it and leaves it once
     * finished; the index of a chat's messages is keyed without the state
     * too, so no change of state writes it. The messages being sent at a
     * restart are found through the line, so they need no index of their
     * own. Statements name the line's condition as written here. */
    ("DROP INDEX outbox_chat;"
     "DROP INDEX outbox_sending;"
     "CREATE INDEX outbox_chat ON outbox(platform, chat_id);"
     "CREATE INDEX outbox_line ON outbox(platform, chat_id, id)"
     " WHERE state <> 'sent' AND state <> 'failed' AND state <> 'unknown';"),

    /* 27: a territory's digest made on its own (the menu's button) counts
     * its schools' people and meetings at once (storage/digest.c): through
     * accounts_org and meetings_org_digest it read every person and every
     * meeting of the year, about 200 ms for a region (bench/digest.c).
     * These indexes hold only what it counts: the people the week's
     * registrations count, by the day they joined (an account still
     * registering is not in it, so a registration writes it once), the
     * pupils waiting for a parent's consent, the held meetings, and the
     * mentees waiting for a mentor; and its indicators' satisfaction
     * figures. Whether a mentee has an open membership lives in a row of
     * accounts (paired) for that last one: the triggers set it to that
     * very EXISTS on every change of a mentee's memberships (an insert,
     * a REPLACE, a change of left_at or mentee_id, a delete), so it is
     * never other than a recount (tests/test_digest.c checks it). */
    ("CREATE INDEX accounts_joined ON accounts(created_at, org_id)"
     "  WHERE role <> 'curator' AND status IN ('active', 'pending_consent');"
     "CREATE INDEX accounts_pending_consent ON accounts(org_id) WHERE status = 'pending_consent';"
     "CREATE INDEX meetings_held ON meetings(org_id, starts_at, state) WHERE state = 'held';"
     /* the satisfaction indicators look up, for each person asked, a
      * mentorship of theirs of a direction (report/surveys.c): the
      * direction and dates in the index, no row read; partial, so only a
      * statement naming a direction can choose it */
     "CREATE INDEX mentorships_mentor_direction ON mentorships(mentor_id, direction, created_at, ended_at)"
     "  WHERE direction IS NOT NULL;"
     "ALTER TABLE accounts ADD COLUMN paired INTEGER NOT NULL DEFAULT 0;"
     "UPDATE accounts SET paired = 1 WHERE id IN (SELECT mentee_id FROM mentorship_members WHERE left_at IS NULL);"
     "CREATE INDEX accounts_waiting ON accounts(org_id, created_at)"
     "  WHERE role = 'mentee' AND status = 'active' AND paired = 0;"
     "CREATE TRIGGER mentee_paired_insert AFTER INSERT ON mentorship_members BEGIN"
     "  UPDATE accounts SET paired = EXISTS (SELECT 1 FROM mentorship_members mm"
     "   WHERE mm.mentee_id = NEW.mentee_id AND mm.left_at IS NULL) WHERE id = NEW.mentee_id; END;"
     "CREATE TRIGGER mentee_paired_update AFTER UPDATE OF mentee_id, left_at ON mentorship_members BEGIN"
     "  UPDATE accounts SET paired = EXISTS (SELECT 1 FROM mentorship_members mm"
     "   WHERE mm.mentee_id = accounts.id AND mm.left_at IS NULL) WHERE id IN (OLD.mentee_id, NEW.mentee_id); END;"
     "CREATE TRIGGER mentee_paired_delete AFTER DELETE ON mentorship_members BEGIN"
     "  UPDATE accounts SET paired = EXISTS (SELECT 1 FROM mentorship_members mm"
     "   WHERE mm.mentee_id = OLD.mentee_id AND mm.left_at IS NULL) WHERE id = OLD.mentee_id; END;"),
    /* 28: the chats an erasure left behind (the person's own and their
     * parents'), until the sweep has deleted their delivery records, so it
     * reads those chats' rows instead of every message for chats of
     * nobody; a guardian's request finds the curators scoped to the
     * organisation on an index of their own */
    "CREATE TABLE erased_chats("
    "  platform TEXT NOT NULL,"
    "  chat_id INTEGER NOT NULL,"
    "  PRIMARY KEY(platform, chat_id)) WITHOUT ROWID;"
    "CREATE INDEX scopes_org ON scopes(org_id) WHERE org_id IS NOT NULL;",

    /* 29: the state columns of the tables every update writes (outbox,
     * inbox, jobs) keep their rule as a CHECK constraint instead of a
     * trigger: a table with a trigger keeps a statement journal for each
     * write and runs the trigger's program, which cost a registration
     * step about 6 % of its instructions (bench/registration.c). A CHECK
     * can only be added by rebuilding the table (SQLite's documented
     * procedure: a new table, the rows copied, the old one dropped, the
     * new one renamed, its indexes made again). The outbox's AUTOINCREMENT
     * counter is carried over, so no id is ever given twice (VK's
     * random_id is the row id). Each list is tested two values at a time,
     * as in 25. */
    ("CREATE TABLE outbox_new("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  platform TEXT NOT NULL,"
     "  chat_id INTEGER NOT NULL,"
     "  account_id INTEGER,"
     "  kind TEXT NOT NULL,"
     "  body TEXT NOT NULL,"
     "  state TEXT NOT NULL DEFAULT 'pending',"
     "  attempts INTEGER NOT NULL DEFAULT 0,"
     "  next_at INTEGER NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  sent_at INTEGER,"
     "  http_status INTEGER,"
     "  error_code INTEGER,"
     "  error TEXT,"
     "  result_message_id INTEGER,"
     "  probe_floor INTEGER,"
     "  probe_next INTEGER,"
     "  probe_misses INTEGER NOT NULL DEFAULT 0,"
     "  CONSTRAINT outbox_state CHECK(state IN ('pending', 'sending') OR state IN ('checking', 'sent')"
     "   OR state IN ('failed', 'unknown')),"
     "  CONSTRAINT outbox_kind CHECK(kind IN ('text', 'edit') OR kind IN ('answer', 'document') OR kind = 'photo'));"
     "INSERT INTO outbox_new SELECT * FROM outbox;"
     "DELETE FROM sqlite_sequence WHERE name = 'outbox_new';"
     "INSERT INTO sqlite_sequence(name, seq) SELECT 'outbox_new', seq FROM sqlite_sequence WHERE name = 'outbox';"
     "DROP TABLE outbox;"
     "ALTER TABLE outbox_new RENAME TO outbox;"
     "CREATE INDEX outbox_pending ON outbox(next_at, id) WHERE state IN ('pending', 'checking');"
     "CREATE INDEX outbox_account ON outbox(account_id);"
     "CREATE INDEX outbox_finished ON outbox(created_at) WHERE state IN ('sent', 'failed');"
     "CREATE INDEX outbox_files ON outbox(kind) WHERE kind IN ('document', 'photo');"
     "CREATE INDEX outbox_chat ON outbox(platform, chat_id);"
     "CREATE INDEX outbox_line ON outbox(platform, chat_id, id)"
     " WHERE state <> 'sent' AND state <> 'failed' AND state <> 'unknown';"

     "CREATE TABLE inbox_new("
     "  platform TEXT NOT NULL,"
     "  update_id INTEGER NOT NULL,"
     "  kind TEXT NOT NULL,"
     "  status TEXT NOT NULL,"
     "  reason TEXT,"
     "  received_at INTEGER NOT NULL,"
     "  PRIMARY KEY(platform, update_id),"
     "  CONSTRAINT inbox_status CHECK(status IN ('received', 'done') OR status IN ('failed', 'ignored')))"
     "  WITHOUT ROWID;"
     "INSERT INTO inbox_new SELECT * FROM inbox;"
     "DROP TABLE inbox;"
     "ALTER TABLE inbox_new RENAME TO inbox;"
     "CREATE INDEX inbox_handled ON inbox(received_at) WHERE status <> 'received';"

     "CREATE TABLE jobs_new("
     "  id INTEGER PRIMARY KEY,"
     "  due_at INTEGER NOT NULL,"
     "  kind TEXT NOT NULL,"
     "  payload TEXT NOT NULL DEFAULT '{}',"
     "  attempts INTEGER NOT NULL DEFAULT 0,"
     "  state TEXT NOT NULL DEFAULT 'pending',"
     "  last_error TEXT,"
     "  created_at INTEGER NOT NULL,"
     "  done_at INTEGER,"
     "  CONSTRAINT jobs_state CHECK(state IN ('pending', 'done') OR state IN ('failed', 'cancelled')));"
     "INSERT INTO jobs_new SELECT * FROM jobs;"
     "DROP TABLE jobs;"
     "ALTER TABLE jobs_new RENAME TO jobs;"
     "CREATE INDEX jobs_due ON jobs(due_at) WHERE state = 'pending';"
     "CREATE INDEX jobs_finished ON jobs(done_at) WHERE state <> 'pending';"
     "CREATE INDEX jobs_pending_kind ON jobs(kind) WHERE state = 'pending';"
     "CREATE INDEX jobs_pending_payload ON jobs(kind, payload) WHERE state = 'pending';"),

    /* 30: the people with an outcome of a kind in a period, whichever
     * organisation recorded it (report/counts.c: the trained mentors and
     * the teachers with a contest record), read from the index alone */
    "CREATE INDEX outcomes_kind ON outcomes(kind, happened_on, account_id) WHERE account_id IS NOT NULL;",
};

#undef STATE_GUARD
#undef GUARD_AGAIN

int schema_count(void) { return (int)(sizeof migrations / sizeof migrations[0]); }

const char *schema_migration(int v)
{
    if (v < 1 || v > schema_count()) return NULL;
    return migrations[v - 1];
}
