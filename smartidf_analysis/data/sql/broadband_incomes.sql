-- INSEE Filosofi median income per consumption unit [EUR] for one vintage and measure.
SELECT commune_code, year, measure, median_income_eur, households
FROM incomes
WHERE year = $year AND measure = $measure
ORDER BY commune_code
