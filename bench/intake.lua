-- wrk script: public complaint intake (POST /api/v1/public/complaints), one new complaint
-- per request with a varied Korean title and body, a resident drawn from a generated
-- residents file (name and mobile, as imported, so intake matches real customers), and a
-- fresh Idempotency-Key. Used by bench/run.sh:
--   BENCH_RESIDENTS=file.tsv wrk -s bench/intake.lua http://127.0.0.1:PORT
-- The file has one "name<TAB>mobile" per line; without it, residents are made up here.
-- The tenant is BENCH_TENANT (default busan). wrk runs LuaJIT (Lua 5.1): no // operator.

local tenant = os.getenv("BENCH_TENANT") or "busan"
local residents = {}
local counter = 0
local tag = ""

local places = { "해운대구 우동", "수영구 광안동", "동래구 명륜동", "부산진구 부전동",
        "사하구 하단동", "금정구 장전동", "남구 대연동", "북구 화명동", "연제구 연산동",
        "사상구 괘법동" }
local topics = {
        { "도로 파손 신고", "앞 차로에 포트홀이 생겨서 차량들이 급정거를 합니다. 빠른 보수 부탁드립니다." },
        { "불법 주정차 신고", "골목에 밤마다 화물차가 불법 주차를 해서 소방차가 들어올 수 없습니다." },
        { "가로등 고장", "가로등이 일주일째 꺼져 있어 밤길이 너무 어둡습니다. 수리해 주세요." },
        { "쓰레기 무단 투기", "공터에 생활쓰레기와 대형 폐기물이 계속 버려져 악취가 심합니다." },
        { "공사장 소음 민원", "새벽 여섯 시부터 공사 장비 소음이 심해서 잠을 잘 수가 없습니다." },
        { "보도블록 파손", "보도블록이 깨지고 들떠서 어르신들이 걸려 넘어질 뻔했습니다." },
        { "버스정류장 시설 개선 요청", "정류장 의자가 부서지고 안내 전광판이 나오지 않습니다." },
        { "놀이터 안전 점검 요청", "어린이 놀이터 미끄럼틀 난간이 흔들려서 아이들이 다칠까 걱정입니다." },
        { "하수구 악취", "빗물받이에서 하수 냄새가 올라오고 벌레가 많이 생깁니다. 청소 부탁드립니다." },
        { "불법 현수막 철거 요청", "교차로 가로수마다 불법 현수막이 걸려 있어 신호가 잘 안 보입니다." },
}
local surnames = { "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임" }
local given = { "민준", "서연", "도윤", "하은", "시우", "지유", "주원", "서아", "예준", "하린" }

-- Each wrk thread runs its own Lua state, all seeded alike: math.random and os.time()
-- gave every thread the same tag, so the threads sent the same Idempotency-Keys and about
-- a third of the "intakes" were replays of another thread's request (a read, not a new
-- complaint). setup() runs once per thread in the main state and numbers them.
local threads = 0
function setup(thread)
        threads = threads + 1
        thread:set("thread_no", threads)
end

function init(args)
        local path = os.getenv("BENCH_RESIDENTS")
        if path then
                local f = io.open(path, "r")
                if f then
                        for line in f:lines() do
                                local name, mobile = line:match("^([^\t]+)\t([^\t]+)$")
                                if name then
                                        residents[#residents + 1] = { name, mobile }
                                end
                        end
                        f:close()
                end
        end
        -- Distinct per thread and per run, so Idempotency-Keys never repeat.
        local no = thread_no or 0
        tag = string.format("%x-%x-%d", os.time(), math.random(0, 0x7fffffff), no)
        math.randomseed(os.time() + 7919 * no + math.random(1, 1000000))
end

local function json_escape(s)
        return (s:gsub('[%c"\\]', function(c)
                return string.format("\\u%04x", c:byte())
        end))
end

local function resident()
        if #residents > 0 then
                local r = residents[math.random(1, #residents)]
                return r[1], r[2]
        end
        local n = math.random(0, 99999999)
        return surnames[n % #surnames + 1] .. given[math.floor(n / 10) % #given + 1],
                string.format("010-%04d-%04d", math.floor(n / 10000) % 10000, n % 10000)
end

function request()
        counter = counter + 1
        local t = topics[math.random(1, #topics)]
        local place = places[math.random(1, #places)]
        local no = math.random(1, 999)
        local name, mobile = resident()
        local body = string.format(
                '{"tenant":"%s","title":"%s %s","body":"%s %d번길 %d %s",' ..
                '"resident":{"name":"%s","mobile":"%s"}}',
                tenant, json_escape(place), json_escape(t[1]), json_escape(place),
                math.random(1, 80), no, json_escape(t[2]), json_escape(name), json_escape(mobile))
        local headers = {
                ["Content-Type"] = "application/json",
                ["Idempotency-Key"] = "bench-" .. tag .. "-" .. counter,
        }
        return wrk.format("POST", "/api/v1/public/complaints", headers, body)
end
