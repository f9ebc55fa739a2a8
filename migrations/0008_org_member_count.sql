-- Stored member counts (issues 2 and 7): for every organization, how many active members
-- (probationary, full, exempted) are filed directly under it today. The organization tree,
-- the organization pages, the dashboard and the API sum these over a subtree instead of
-- counting member rows on every read (a ward of 35,000 members over 6,000,000: 0.3–4 s per
-- page on PostgreSQL under load before). Kept by the writes themselves, in the same
-- transaction (src/registry/counts.hpp); history (as_of) is still counted from memberships.

CREATE TABLE org_member_count (
  org_id BIGINT PRIMARY KEY REFERENCES organization(id),
  active BIGINT NOT NULL
);

INSERT INTO org_member_count(org_id, active)
  SELECT org_id, count(*) FROM member WHERE status IN ('probationary','full','exempted') GROUP BY org_id;
