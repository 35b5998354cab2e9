export { createActivities, type Activities, type ActivityDeps, type ProgressInput, type ActionUpdate } from './create-activities';
