export { createActivities, type Activities, type ActivityDeps, type OutcomeInput } from './create-activities';
