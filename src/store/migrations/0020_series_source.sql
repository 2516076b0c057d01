-- Where an imported series point comes from (e.g. "stakingrewards.com, 2025-10-01"): comparators are shown
-- with their source and date.
alter table price_series_point add column source text;
