-- Korean carriers only pass SMS from a calling number registered in advance by the sender
-- (발신번호 사전등록제): each municipality sharing an installation sends from its own.
ALTER TABLE tenants ADD COLUMN sms_sender TEXT;
