/** The naive nginx Deployment of the kind-lab write-up (shared/user-docs/kind-lab-ownership.md), exactly as applied there. */
export const NAIVE_NGINX_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: naive
spec:
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.20
        resources:
          limits:
            memory: "128Mi"
            cpu: "500m"
        ports:
        - containerPort: 80
`;
