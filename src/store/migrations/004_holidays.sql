-- The calendar of public holidays (공휴일) that statutory deadlines skip
-- (src/complaint/deadline.h). One table for the whole installation, not per tenant: the
-- national calendar applies to every municipality. pcrm init copies the shipped
-- data/holidays-kr.csv into it; admins then add temporary holidays (임시공휴일), which
-- are declared at short notice, and the years beyond the shipped ones.

CREATE TABLE holidays (
    day         TEXT    PRIMARY KEY,              -- YYYY-MM-DD, KST civil date
    name        TEXT    NOT NULL,                 -- 설날, 대체공휴일(개천절), ...
    kind        TEXT    NOT NULL DEFAULT 'public', -- public, substitute, election, temporary
    updated_at  INTEGER NOT NULL
);
