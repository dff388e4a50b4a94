-- wrk script: the resident's tracking lookup (GET /api/v1/public/complaints/{receipt} with
-- X-Tracking-Pin), over receipts filed beforehand. Used by bench/run.sh:
--   BENCH_RECEIPTS=file.tsv wrk -s bench/track.lua http://127.0.0.1:PORT
-- The file has one "receipt<TAB>pin" per line. The tenant is BENCH_TENANT (default busan).

local tenant = os.getenv("BENCH_TENANT") or "busan"
local receipts = {}

function init(args)
        local f = assert(io.open(assert(os.getenv("BENCH_RECEIPTS"), "BENCH_RECEIPTS"), "r"))
        for line in f:lines() do
                local no, pin = line:match("^(%S+)\t(%S+)$")
                if no then
                        receipts[#receipts + 1] = { no, pin }
                end
        end
        f:close()
        assert(#receipts > 0, "no receipts")
        math.randomseed(os.time() + math.random(1, 1000000))
end

function request()
        local r = receipts[math.random(1, #receipts)]
        return wrk.format("GET", "/api/v1/public/complaints/" .. r[1] .. "?tenant=" .. tenant,
                { ["X-Tracking-Pin"] = r[2] })
end
