-- wrk script: diacritic-free name searches over the API, rotating through real name prefixes.
local queries = {
  "nguyen van an", "tran thi", "le minh", "pham van hung", "hoang thi lan", "vo van", "nguyen thi huong",
  "dang van", "bui thi mai", "do minh tuan", "ho van", "ngo thi", "duong van", "ly thi", "nguyen hoang",
  "tran van nam", "le thi hoa", "phan van", "huynh thi", "vu van"
}
local token = os.getenv("DANGBO_TOKEN")
local i = 0
request = function()
  i = i + 1
  local q = queries[(i % #queries) + 1]:gsub(" ", "%%20")
  return wrk.format("GET", "/api/v1/members?q=" .. q .. "&limit=50", { ["Authorization"] = "Bearer " .. token })
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
