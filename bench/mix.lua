-- wrk script: signed-in staff mixing organization pages (40 %), name searches (50 %) and edits
-- (10 %, PATCH of one member's occupation). Needs DANGBO_TOKEN and DANGBO_MIX_FILE (lines
-- "org CODE" and "member ID", written by bench/pg.sh).
local token = os.getenv("DANGBO_TOKEN")
local orgs, members = {}, {}
for line in io.lines(os.getenv("DANGBO_MIX_FILE")) do
  local kind, v = line:match("^(%w+) (.+)$")
  if kind == "org" then orgs[#orgs + 1] = v elseif kind == "member" then members[#members + 1] = v end
end
local queries = { "nguyen van an", "tran thi", "le minh", "pham van hung", "hoang thi lan", "vo van", "nguyen thi huong",
  "dang van", "bui thi mai", "do minh tuan", "tran loc", "van an", "thi hoa", "nguyen hoang" }
local occupations = { "Giáo viên", "Hưu trí", "Công chức", "Kỹ sư", "Bác sĩ" }
math.randomseed(os.time())
local hdr = { ["Authorization"] = "Bearer " .. token }
request = function()
  local r = math.random(100)
  if r <= 40 then
    return wrk.format("GET", "/orgs/" .. orgs[math.random(#orgs)], hdr)
  elseif r <= 90 then
    local q = queries[math.random(#queries)]:gsub(" ", "%%20")
    return wrk.format("GET", "/api/v1/members?q=" .. q .. "&limit=50", hdr)
  else
    local body = '{"occupation":"' .. occupations[math.random(#occupations)] .. '"}'
    return wrk.format("PATCH", "/api/v1/members/" .. members[math.random(#members)],
      { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
  end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
