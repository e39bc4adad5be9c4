-- Each KYC subject's data key, wrapped by the master key; see db/kyc/postgres/V1__kyc_data_key.sql.
CREATE TABLE kyc_data_key (
  subject_id  VARCHAR(36)              PRIMARY KEY,
  wrapped_key VARBINARY(128)           NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);
