-- wrk script: each request's path drawn at random from a file (BENCH_PATHS, one path a line),
-- so no single cached answer can carry the load (issue 15: search over >= 200 terms). The
-- error count and the JSON line are report.lua's (BENCH_DIR is the bench folder).
dofile(os.getenv("BENCH_DIR") .. "/report.lua")

local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if line ~= "" then table.insert(paths, line) end
end

local report_init = init
function init(args)
  report_init(args)
  -- A different sequence per thread.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
